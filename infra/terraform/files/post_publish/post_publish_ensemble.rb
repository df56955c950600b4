# frozen_string_literal: true

# Ensemble (docs/decisions/101): BBB's publish worker runs every post_publish/*.rb, in name
# order, as `ruby <script> -m <record id> -f <format>` once a format is published. This hands
# that call to the uploader beside it (not *.rb, so BBB does not run it by itself), with the
# same arguments; its exit status is this script's.
exec(File.join(__dir__, 'ensemble-recording-upload.sh'), *ARGV)
