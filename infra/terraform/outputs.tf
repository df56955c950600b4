output "bbb_nodes" {
  description = "BBB nodes for the provisioner: name -> { api_url, secret, ipv4, hostname, recording_token }."
  sensitive   = true
  value = {
    for name, server in scaleway_baremetal_server.bbb : name => {
      api_url         = "https://${local.bbb_hostnames[name]}/bigbluebutton/api/"
      secret          = random_password.bbb_secret[name].result
      ipv4            = one([for ip in server.ips : ip.address if ip.version == "IPv4"])
      hostname        = local.bbb_hostnames[name]
      recording_token = random_password.recording_token[name].result # decision 101
    }
  }
}

output "api_lb_ip" {
  description = "Public IP of the API load balancer."
  value       = scaleway_lb_ip.api.ip_address
}

output "prometheus_ip" {
  description = "Public IP of the Prometheus instance."
  value       = scaleway_instance_ip.prometheus.address
}

output "database_urls" {
  description = "DATABASE_URL of each service (service -> URL) on the managed PostgreSQL's private endpoint, password included."
  sensitive   = true
  value       = local.database_urls
}

output "database_endpoint" {
  description = "Private address and port of the managed PostgreSQL (no public endpoint exists)."
  value       = { ip = local.database_endpoint.ip, port = local.database_endpoint.port }
}

output "database_ca_certificate" {
  description = "CA certificate of the managed PostgreSQL, for sslmode=verify-full."
  value       = scaleway_rdb_instance.main.certificate
}

