terraform {
  required_version = ">= 1.6.0"

  required_providers {
    scaleway = {
      source  = "scaleway/scaleway"
      version = "~> 2.55"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    acme = {
      source  = "vancluever/acme"
      version = "~> 2.26"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}

# Credentials come from the environment only: SCW_ACCESS_KEY, SCW_SECRET_KEY,
# SCW_DEFAULT_PROJECT_ID (never in a .tf or .tfvars file).
provider "scaleway" {
  zone   = var.zone
  region = var.region
}

provider "acme" {
  server_url = var.acme_server_url
}
