# Records under var.domain and a wildcard certificate for it. Wildcards need the
# DNS-01 challenge, which the load balancer's built-in Let's Encrypt (HTTP-01)
# cannot do: the ACME provider solves it through Scaleway DNS.

resource "scaleway_domain_record" "apex" {
  dns_zone = var.domain
  name     = ""
  type     = "A"
  data     = scaleway_lb_ip.api.ip_address
  ttl      = 300
}

resource "scaleway_domain_record" "www" {
  dns_zone = var.domain
  name     = "www"
  type     = "A"
  data     = scaleway_lb_ip.api.ip_address
  ttl      = 300
}

resource "scaleway_domain_record" "prometheus" {
  dns_zone = var.domain
  name     = "prometheus"
  type     = "A"
  data     = scaleway_instance_ip.prometheus.address
  ttl      = 300
}

resource "tls_private_key" "acme_account" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "acme_registration" "this" {
  account_key_pem = tls_private_key.acme_account.private_key_pem
  email_address   = var.letsencrypt_email
}

resource "acme_certificate" "wildcard" {
  account_key_pem           = acme_registration.this.account_key_pem
  common_name               = var.domain
  subject_alternative_names = ["*.${var.domain}"]

  # Reads SCW_SECRET_KEY from the environment, like the scaleway provider.
  dns_challenge {
    provider = "scaleway"
  }
}
