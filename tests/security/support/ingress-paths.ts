/**
 * The documented ways a request reaches a Signal pod on AKS, and the X-Forwarded-For header each
 * really delivers (docs/deploy.md, "Client addresses"). `trustProxy` is what the chart renders for
 * the path's values; the rate-limit test and the chart test both read this table.
 */

/** A client as the Internet sees it: the address and the source port of one connection. */
export interface Client {
  ip: string;
  port: number;
}

export interface IngressPath {
  name: string;
  /** `--set` values selecting this path in the chart. */
  chartValues: string[];
  trustProxy: number;
  /** X-Forwarded-For as it arrives at the pod; `sent` is whatever the client itself put there. */
  header: (client: Client, sent?: string) => string;
  /** False for the misconfigurations the docs warn about: every client then shares one key. */
  tellsClientsApart: boolean;
}

const APPGW_INSTANCE = '10.1.0.5';
const AKS_NODE = '10.224.0.4';

/** Application Gateway appends "IP:port" (IPv6 in brackets) to what the client sent. */
function appGateway(client: Client, sent?: string): string {
  const written = client.ip.includes(':') ? `[${client.ip}]:${client.port}` : `${client.ip}:${client.port}`;
  return sent === undefined ? written : `${sent}, ${written}`;
}

export const INGRESS_PATHS: IngressPath[] = [
  {
    // ingress-nginx replaces the header with $remote_addr; with externalTrafficPolicy: Local the
    // Azure load balancer keeps the client's address, so $remote_addr is the client.
    name: 'ingress-nginx, LoadBalancer externalTrafficPolicy: Local',
    chartValues: ['ingress.controller=nginx'],
    trustProxy: 1,
    header: (client) => client.ip,
    tellsClientsApart: true,
  },
  {
    // With the default externalTrafficPolicy: Cluster, kube-proxy SNATs to the node: $remote_addr
    // is a node address for every client on that node.
    name: 'ingress-nginx, LoadBalancer externalTrafficPolicy: Cluster (misconfigured)',
    chartValues: ['ingress.controller=nginx'],
    trustProxy: 1,
    header: () => AKS_NODE,
    tellsClientsApart: false,
  },
  {
    name: 'Application Gateway (AGIC) to the pods',
    chartValues: ['ingress.controller=application-gateway', 'ingress.className=azure-application-gateway'],
    trustProxy: 1,
    header: appGateway,
    tellsClientsApart: true,
  },
  {
    // use-forwarded-headers keeps the gateway's header, compute-full-forwarded-for appends the
    // gateway instance ($realip_remote_addr) instead of replacing the header with it.
    name: 'Application Gateway, then ingress-nginx with use-forwarded-headers and compute-full-forwarded-for',
    chartValues: ['ingress.controller=nginx', 'ingress.behind=application-gateway'],
    trustProxy: 2,
    header: (client, sent) => `${appGateway(client, sent)}, ${APPGW_INSTANCE}`,
    tellsClientsApart: true,
  },
  {
    // Without those settings ingress-nginx replaces the header with the gateway instance.
    name: 'Application Gateway, then ingress-nginx with default settings (misconfigured)',
    chartValues: ['ingress.controller=nginx', 'ingress.behind=application-gateway'],
    trustProxy: 2,
    header: () => APPGW_INSTANCE,
    tellsClientsApart: false,
  },
];
