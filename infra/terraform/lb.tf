# A load balancer in front of the two API instances: TLS with the wildcard
# certificate on 443, a redirect on 80, HTTP health checks on /readyz (NGINX's
# plain-HTTP server passes it to the gateway's readiness: NATS and Redis answer),
# so an instance whose gateway lost a dependency leaves the pool.

resource "scaleway_lb_ip" "api" {
  zone = var.zone
}

resource "scaleway_lb" "api" {
  name   = "ensemble-api"
  type   = "LB-S"
  zone   = var.zone
  ip_ids = [scaleway_lb_ip.api.id]
  tags   = var.tags
}

resource "scaleway_lb_backend" "api" {
  lb_id            = scaleway_lb.api.id
  name             = "api"
  forward_protocol = "http"
  forward_port     = 80
  server_ips       = scaleway_instance_ip.api[*].address

  health_check_port        = 80
  health_check_delay       = "10s"
  health_check_timeout     = "5s"
  health_check_max_retries = 3

  health_check_http {
    uri    = "/readyz"
    method = "GET"
    code   = 200
  }
}

resource "scaleway_lb_certificate" "wildcard" {
  lb_id = scaleway_lb.api.id
  name  = "wildcard"

  custom_certificate {
    certificate_chain = "${acme_certificate.wildcard.certificate_pem}${acme_certificate.wildcard.issuer_pem}${acme_certificate.wildcard.private_key_pem}"
  }
}

resource "scaleway_lb_frontend" "https" {
  lb_id           = scaleway_lb.api.id
  backend_id      = scaleway_lb_backend.api.id
  name            = "https"
  inbound_port    = 443
  certificate_ids = [scaleway_lb_certificate.wildcard.id]
}

resource "scaleway_lb_frontend" "http" {
  lb_id        = scaleway_lb.api.id
  backend_id   = scaleway_lb_backend.api.id
  name         = "http"
  inbound_port = 80
}
