# NGINX + web app + API on two DEV1-L instances spread by a placement group, and
# one DEV1-L for Prometheus. Only 443, 80 (certificate challenge and redirect) and
# 22 come in.

resource "scaleway_instance_security_group" "edge" {
  name                    = "ensemble-edge"
  inbound_default_policy  = "drop"
  outbound_default_policy = "accept"
  stateful                = true

  inbound_rule {
    action   = "accept"
    protocol = "TCP"
    port     = 443
  }

  inbound_rule {
    action   = "accept"
    protocol = "TCP"
    port     = 80
  }

  inbound_rule {
    action   = "accept"
    protocol = "TCP"
    port     = 22
  }
}

resource "scaleway_instance_placement_group" "api" {
  name        = "ensemble-api"
  policy_type = "max_availability"
  policy_mode = "enforced"
}

resource "scaleway_instance_ip" "api" {
  count = 2
}

resource "scaleway_instance_server" "api" {
  count = 2

  name               = "ensemble-api-${count.index + 1}"
  type               = var.instance_type
  image              = var.instance_image
  ip_id              = scaleway_instance_ip.api[count.index].id
  placement_group_id = scaleway_instance_placement_group.api.id
  security_group_id  = scaleway_instance_security_group.edge.id
  tags               = concat(var.tags, ["api"])

  # The managed PostgreSQL is reachable here only (database.tf).
  private_network {
    pn_id = scaleway_vpc_private_network.ensemble.id
  }
}

resource "scaleway_instance_ip" "prometheus" {}

resource "scaleway_instance_server" "prometheus" {
  name              = "ensemble-prometheus"
  type              = var.instance_type
  image             = var.instance_image
  ip_id             = scaleway_instance_ip.prometheus.id
  security_group_id = scaleway_instance_security_group.edge.id
  tags              = concat(var.tags, ["prometheus"])
}
