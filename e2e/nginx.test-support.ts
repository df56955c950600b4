import { freePort } from '@ensemble/testing';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Daemon, needBinary, renderTemplate, repoFile, run, tempDir } from './deploy.test-support.js';

/** deploy/nginx's site, rendered for a gateway on loopback, in a temp dir with everything NGINX needs. */
export interface NginxSite {
  bin: string;
  dir: string;
  /** nginx.conf around the site file (`nginx -c` this). */
  confFile: string;
  /** The certificate (self-signed: also the CA to trust). */
  cert: Buffer;
  https: string;
  http: string;
  httpsPort: number;
  httpPort: number;
}

/**
 * Renders deploy/nginx/templates/ensemble.conf.template as the NGINX image does, listening
 * on loopback only, with a fresh self-signed certificate for 127.0.0.1 and localhost, and for
 * the tenants' base domain and every name under it when `tenantDomain` is given.
 */
export async function prepareNginx(opts: {
  gatewayPort: number;
  /** Files of the web root, by path below it. */
  webFiles?: Record<string, string>;
  serverName?: string;
  /** NGINX_TENANT_DOMAIN; default the image's (tenants.invalid). */
  tenantDomain?: string;
}): Promise<NginxSite> {
  const bin = needBinary('nginx', 'nginx');
  const openssl = needBinary('openssl', 'openssl');
  const dir = tempDir('nginx');
  const names = ['IP:127.0.0.1', 'DNS:localhost'];
  if (opts.tenantDomain) names.push(`DNS:${opts.tenantDomain}`, `DNS:*.${opts.tenantDomain}`);
  run(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    `subjectAltName=${names.join(',')}`,
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  const web = join(dir, 'web');
  mkdirSync(web, { recursive: true, mode: 0o755 });
  for (const [path, text] of Object.entries(
    opts.webFiles ?? { 'index.html': '<!doctype html><title>Ensemble</title>' },
  )) {
    mkdirSync(dirname(join(web, path)), { recursive: true, mode: 0o755 });
    writeFileSync(join(web, path), text, { mode: 0o644 });
  }

  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const site = renderTemplate(repoFile('deploy/nginx/templates/ensemble.conf.template'), {
    NGINX_HTTP_PORT: String(httpPort),
    NGINX_HTTPS_PORT: String(httpsPort),
    NGINX_SERVER_NAME: opts.serverName ?? '_',
    NGINX_TENANT_DOMAIN: opts.tenantDomain ?? 'tenants.invalid',
    WEB_ROOT: web,
    GATEWAY_UPSTREAM: `127.0.0.1:${opts.gatewayPort}`,
    TLS_CERT_FILE: join(dir, 'cert.pem'),
    TLS_KEY_FILE: join(dir, 'key.pem'),
  })
    // Loopback only here; the image listens on every address. (IPv6 may be absent on test machines.)
    .replace(/listen \[::\]:\d+[^;]*;\n/g, '')
    .replace(/listen (\d+)/g, 'listen 127.0.0.1:$1');
  writeFileSync(join(dir, 'ensemble.conf'), site);
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, mainConfig(dir));
  return {
    bin,
    dir,
    confFile,
    cert: readFileSync(join(dir, 'cert.pem')),
    https: `https://127.0.0.1:${httpsPort}`,
    http: `http://127.0.0.1:${httpPort}`,
    httpsPort,
    httpPort,
  };
}

/** `nginx -t` on the site: its stderr (which says whether the test is successful). */
export function testNginx(site: NginxSite): string {
  return run(site.bin, ['-t', '-c', site.confFile, '-p', `${site.dir}/`, '-e', join(site.dir, 'error.log')]).stderr;
}

/** NGINX in the foreground on the site; `ready` probes until it serves. */
export function startNginx(site: NginxSite): Daemon {
  return Daemon.start('nginx', site.bin, [
    '-c',
    site.confFile,
    '-p',
    `${site.dir}/`,
    '-e',
    join(site.dir, 'error.log'),
    '-g',
    'daemon off;',
  ]);
}

/** The main config NGINX needs around the site file: everything under the temp dir. */
function mainConfig(dir: string): string {
  const asRoot = process.getuid?.() === 0;
  return `${asRoot ? 'user nobody nogroup;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fastcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
  include ${dir}/ensemble.conf;
}
`;
}
