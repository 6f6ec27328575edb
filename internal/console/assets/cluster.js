// Cluster page of the Sluice console, offered only in cluster mode (GET
// /console/session says cluster: true): the owner (the node that runs
// every service) and its lease, the nodes, and which node runs every data
// stream, Firehose stream, application and video stream, as GET
// /console/cluster reads them from etcd, refreshed every 2 seconds. app.js
// passes in its helpers (ui), so the files share one way of building pages.

// KINDS names the kinds of placement (package cluster's Placement.Kind)
// and the console page of each; name is the unit's own name.
const KINDS = {
  'stream': ['Data stream', (name) => '#/streams/' + encodeURIComponent(name)],
  'delivery-stream': ['Firehose stream', (name) => '#/firehose/' + encodeURIComponent(name)],
  'application': ['Data Analytics application', (name) => '#/analytics/applications/' + encodeURIComponent(name)],
  'video-stream': ['Video stream', (name) => '#/video/streams/' + encodeURIComponent(name)],
};

export function clusterPages(ui) {
  const { el, errorBox, every, readError, session } = ui;

  async function status() {
    const res = await fetch('/console/cluster', { credentials: 'same-origin' });
    if (!res.ok) throw await readError(res);
    return res.json();
  }

  const fmtStarted = (iso) => {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? '-' : new Date(t).toLocaleString();
  };

  function ownerSummary(box, st) {
    const o = st.owner;
    if (!o) {
      box.replaceChildren(el('p', { id: 'cluster-no-owner' }, 'No owner: an election is in progress.'));
      return;
    }
    const item = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
    box.replaceChildren(el('dl', { class: 'summary', id: 'cluster-owner' },
      item('Node ID', o.id),
      item('Advertised URL', el('span', { class: 'mono' }, o.advertise)),
      item('Lease', el('span', { class: 'mono' }, o.lease)),
      item('Lease time left', o.leaseTtlSeconds >= 0 ? `${o.leaseTtlSeconds} s` : 'Lapsed'),
      item('Fence revision', String(o.fenceRevision)),
      item('etcd key prefix', el('span', { class: 'mono' }, st.prefix))));
  }

  function nodeRows(body, st) {
    const nodes = st.nodes || [];
    body.replaceChildren(...nodes.map((n) => el('tr', {},
      el('td', {}, n.id),
      el('td', { class: 'mono' }, n.advertise),
      el('td', {}, n.owner ? el('span', { class: 'status Active' }, 'Owner') : 'Follower'),
      el('td', {}, fmtStarted(n.started)))));
    if (!nodes.length) body.append(el('tr', {}, el('td', { colspan: 4 }, 'No node is registered.')));
  }

  // unitName links a unit of the signed-in account and region to its page;
  // others (other accounts, regions) are shown as their full names.
  function unitName(p) {
    const kind = KINDS[p.kind];
    const s = session() || {};
    const [account, region, ...rest] = p.name.split('/');
    if (!kind || account !== s.accountId || region !== s.region || !rest.length) return el('span', { class: 'mono' }, p.name);
    const name = rest.join('/');
    return el('a', { href: kind[1](name), title: p.name }, name);
  }

  function placementRows(body, st) {
    const units = st.placement || [];
    body.replaceChildren(...units.map((p) => el('tr', {},
      el('td', {}, (KINDS[p.kind] || [p.kind])[0]),
      el('td', {}, unitName(p)),
      el('td', {}, p.kind === 'stream' ? `${p.openShards || 0} / ${p.shards || 0}` : '-'),
      el('td', {}, p.node || 'None (no owner)'))));
    if (!units.length) body.append(el('tr', {}, el('td', { colspan: 4 }, 'Nothing placed yet: no stream, Firehose stream, application or video stream.')));
  }

  function page(main) {
    const problem = el('div', { 'aria-live': 'polite' });
    const owner = el('div');
    const nodes = el('tbody');
    const placement = el('tbody');
    const head = (...cols) => el('thead', {}, el('tr', {}, cols.map((h) => el('th', { scope: 'col' }, h))));
    main.replaceChildren(
      el('h1', {}, 'Cluster'),
      el('p', { class: 'hint' }, 'One node at a time, the owner, runs every service; the other nodes forward requests to it. Read from etcd every 2 seconds.'),
      problem,
      el('section', { class: 'panel', 'aria-labelledby': 'cluster-owner-title' },
        el('h2', { id: 'cluster-owner-title' }, 'Owner'), owner),
      el('section', { class: 'panel', 'aria-labelledby': 'cluster-nodes-title' },
        el('h2', { id: 'cluster-nodes-title' }, 'Nodes'),
        el('table', { id: 'cluster-nodes', 'aria-label': 'Nodes' }, head('Node ID', 'Advertised URL', 'Role', 'Started'), nodes)),
      el('section', { class: 'panel', 'aria-labelledby': 'cluster-placement-title' },
        el('h2', { id: 'cluster-placement-title' }, 'Placement'),
        el('table', { id: 'cluster-placement', 'aria-label': 'Placement' }, head('Kind', 'Name', 'Open / total shards', 'Node'), placement)));
    every(2000, async () => {
      try {
        const st = await status();
        ownerSummary(owner, st);
        nodeRows(nodes, st);
        placementRows(placement, st);
        problem.replaceChildren();
      } catch (e) {
        // The last status read stays shown (a failover answers 503 for
        // a moment).
        problem.replaceChildren(errorBox(e));
      }
    });
  }

  return { page };
}
