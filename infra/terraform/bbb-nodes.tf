# BBB bare-metal nodes: one server per entry of var.nodes, installed as a BBB server
# at first boot by cloud-init with its own hostname and a secret Terraform generates.

data "scaleway_baremetal_os" "bbb" {
  zone    = var.zone
  name    = var.os_name
  version = var.os_version
}

resource "random_password" "bbb_secret" {
  for_each = var.nodes

  length  = 48
  special = false
}

# Each node's token for handing its recordings to Ensemble (decision 101): written to the
# node by cloud-init, given to Ensemble with the node (output bbb_nodes); never the BBB secret.
resource "random_password" "recording_token" {
  for_each = var.nodes

  length  = 48
  special = false
}

locals {
  bbb_hostnames = { for name, _ in var.nodes : name => "${name}.${var.domain}" }
}

resource "scaleway_baremetal_server" "bbb" {
  for_each = var.nodes

  name        = each.key
  hostname    = local.bbb_hostnames[each.key]
  offer       = each.value.offer
  zone        = each.value.zone
  os          = coalesce(var.os_id, data.scaleway_baremetal_os.bbb.os_id)
  ssh_key_ids = var.ssh_key_ids
  tags        = concat(var.tags, ["bbb", "provisioned", "node:${each.key}"])

  cloud_init = templatefile("${path.module}/templates/bbb-cloud-init.yaml.tftpl", {
    hostname           = local.bbb_hostnames[each.key]
    secret             = random_password.bbb_secret[each.key].result
    email              = var.letsencrypt_email
    install_version    = var.bbb_install_version
    install_script_url = var.bbb_install_script_url
    ensemble_url       = "https://${var.domain}"
    recording_token    = random_password.recording_token[each.key].result
    post_publish_rb    = filebase64("${path.module}/files/post_publish/post_publish_ensemble.rb")
    recording_uploader = filebase64("${path.module}/files/post_publish/ensemble-recording-upload.sh")
  })
}

resource "scaleway_domain_record" "bbb" {
  for_each = var.nodes

  dns_zone = var.domain
  name     = each.key
  type     = "A"
  data     = one([for ip in scaleway_baremetal_server.bbb[each.key].ips : ip.address if ip.version == "IPv4"])
  ttl      = 300
}
