# Managed PostgreSQL, the system of record (decision 090): one database per owning service
# (gateway, scheduler, provisioner) on one high-availability instance (a standby node takes
# over by itself), reachable only on the private network the API instances are attached to.
# No public endpoint: there is no load_balancer block, and the private_network one replaces
# the default public endpoint. Automatic backups are kept; pg_dump works as well (README).

resource "scaleway_vpc_private_network" "ensemble" {
  name   = "ensemble"
  region = var.region
  tags   = var.tags
}

# admin: the instance's first user, its administrator, kept in the state only and used by no
# service; services: the services' user, unless var.database_password is given. Scaleway asks
# for a lower-case and an upper-case letter, a digit and a special character; these specials
# need no escaping in a URL.
resource "random_password" "database" {
  for_each = toset(["admin", "services"])

  length           = 32
  min_lower        = 1
  min_upper        = 1
  min_numeric      = 1
  min_special      = 1
  override_special = "-_."
}

locals {
  database_password = var.database_password != null ? var.database_password : random_password.database["services"].result
}

resource "scaleway_rdb_instance" "main" {
  name               = "ensemble"
  node_type          = var.database_node_type
  engine             = "PostgreSQL-15"
  is_ha_cluster      = true
  region             = var.region
  user_name          = "ensemble_admin"
  password           = random_password.database["admin"].result
  encryption_at_rest = true
  tags               = var.tags

  disable_backup            = false
  backup_schedule_frequency = 24
  backup_schedule_retention = var.database_backup_retention_days

  private_network {
    pn_id       = scaleway_vpc_private_network.ensemble.id
    enable_ipam = true
  }
}

resource "scaleway_rdb_database" "service" {
  for_each = var.databases

  instance_id = scaleway_rdb_instance.main.id
  name        = each.value
}

resource "scaleway_rdb_user" "ensemble" {
  instance_id = scaleway_rdb_instance.main.id
  name        = "ensemble"
  password    = local.database_password
  is_admin    = false
}

# Each service creates and migrates its own tables: all rights on its database, none on the server.
resource "scaleway_rdb_privilege" "service" {
  for_each = scaleway_rdb_database.service

  instance_id   = scaleway_rdb_instance.main.id
  user_name     = scaleway_rdb_user.ensemble.name
  database_name = each.value.name
  permission    = "all"
}

locals {
  database_endpoint = scaleway_rdb_instance.main.private_network[0]
  # Encrypted on the private network (libpq's sslmode=require: TLS, the server not verified
  # against a CA; output database_ca_certificate is the CA for verify-full).
  database_urls = {
    for service, db in scaleway_rdb_database.service : service => format(
      "postgres://%s:%s@%s:%d/%s?sslmode=require&uselibpqcompat=true",
      scaleway_rdb_user.ensemble.name,
      urlencode(local.database_password),
      local.database_endpoint.ip,
      local.database_endpoint.port,
      db.name,
    )
  }
}
