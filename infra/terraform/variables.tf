variable "nodes" {
  description = "BBB bare-metal nodes: name -> { offer, zone }. Written by the provisioner to nodes.auto.tfvars.json."
  type = map(object({
    offer = optional(string, "GP-BM1-M")
    zone  = optional(string, "fr-par-2")
  }))
  default = {}

  validation {
    condition     = alltrue([for name in keys(var.nodes) : can(regex("^[a-z0-9][a-z0-9-]{0,40}$", name))])
    error_message = "Node names are lower-case slugs (a-z, 0-9, -), at most 41 characters."
  }
}

variable "zone" {
  description = "Default zone for the API and Prometheus instances."
  type        = string
  default     = "fr-par-2"
}

variable "region" {
  description = "Region of the load balancer's zone."
  type        = string
  default     = "fr-par"
}

variable "domain" {
  description = "DNS zone managed in Scaleway Domains (e.g. ensemble.example.org); every record and the wildcard certificate live under it."
  type        = string
}

variable "os_name" {
  description = "Bare-metal OS name, looked up with the scaleway_baremetal_os data source (BBB 3.0 needs Ubuntu 22.04)."
  type        = string
  default     = "Ubuntu"
}

variable "os_version" {
  description = "Bare-metal OS version for the data source lookup."
  type        = string
  default     = "22.04 LTS (Jammy Jellyfish)"
}

variable "os_id" {
  description = "Bare-metal OS UUID; when set it wins over the data source lookup."
  type        = string
  default     = null
}

variable "ssh_key_ids" {
  description = "IDs of the account SSH keys (scaleway_iam_ssh_key) allowed on every server."
  type        = list(string)
}

variable "instance_type" {
  description = "Commercial type of the API and Prometheus instances."
  type        = string
  default     = "DEV1-L"
}

variable "instance_image" {
  description = "Image of the API and Prometheus instances."
  type        = string
  default     = "ubuntu_jammy"
}

variable "bbb_install_version" {
  description = "bbb-install.sh release (-v), e.g. jammy-300."
  type        = string
  default     = "jammy-300"
}

variable "bbb_install_script_url" {
  description = "Where cloud-init fetches bbb-install.sh."
  type        = string
  default     = "https://raw.githubusercontent.com/bigbluebutton/bbb-install/v3.0.x-release/bbb-install.sh"
}

variable "letsencrypt_email" {
  description = "Contact address for Let's Encrypt (certificates and BBB's own certbot)."
  type        = string
}

variable "acme_server_url" {
  description = "ACME directory (use the staging one while testing)."
  type        = string
  default     = "https://acme-v02.api.letsencrypt.org/directory"
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = list(string)
  default     = ["ensemble"]
}

variable "databases" {
  description = "The PostgreSQL database of each service that owns tables (service -> database name); the names npm start uses."
  type        = map(string)
  default = {
    gateway     = "ensemble"
    scheduler   = "ensemble_scheduler"
    provisioner = "ensemble_provisioner"
  }
}

variable "database_node_type" {
  description = "Node type of the managed PostgreSQL instance (two nodes of it: high availability)."
  type        = string
  default     = "DB-PRO2-XXS"
}

variable "database_backup_retention_days" {
  description = "Days Scaleway keeps the instance's daily automatic backups."
  type        = number
  default     = 7
}

variable "database_password" {
  description = "Password of the services' PostgreSQL user; generated when null. 8-128 characters with a lower-case and an upper-case letter, a digit and a special character."
  type        = string
  default     = null
  sensitive   = true
}

