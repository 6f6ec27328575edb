// Kinesis Data Analytics pages of the Sluice console (SQL applications):
// the list of applications, "Create application", and an application's
// page with its configuration (source, destinations, reference data,
// tags), its SQL editor and, while it runs, its in-application streams'
// recent rows. Like AWS's console for SQL applications, the pages speak the
// v1 API (KinesisAnalytics_20150814); the list reads v2's summaries for
// the runtime and version. app.js passes in its helpers (ui).

import { sqlEditor } from './sqleditor.js';
import { sourcePanel } from './analytics-source.js';
import { destinationsPanel, referencePanel } from './analytics-outputs.js';
import { liveView } from './analytics-live.js';

const NAME_RE = /^[a-zA-Z0-9_.-]{1,128}$/;
const STABLE = ['READY', 'RUNNING'];

const POSITIONS = [
  ['NOW', 'Now', 'Records that arrive in the source from now on.'],
  ['TRIM_HORIZON', 'Trim horizon', 'The oldest records the source still holds, then on.'],
  ['LAST_STOPPED_POINT', 'Last stopped point', 'Where the application last stopped reading (from now on when it never ran).'],
];

const TABS = [['details', 'Configuration'], ['sql', 'SQL editor'], ['live', 'Real-time analytics']];

const TEMPLATE = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM ticker_symbol, price
    FROM "SOURCE_SQL_STREAM_001";`;

export function analyticsPages(ui) {
  const { el, kaApi, kaApi2, flash, errorBox, every, fmtTime, statusLabel, enc, confirmDeleteOf } = ui;
  const appHref = (name, tab) => `#/analytics/applications/${enc(name)}${tab ? '/' + tab : ''}`;
  const statusBadge = (s) => el('span', { class: 'status ' + statusLabel(s) }, statusLabel(s));
  // Sluice has no IAM: the API requires role ARNs, so the console names one
  // in the signed-in account, as AWS's console created one per application.
  const roleFor = (name) => `arn:aws:iam::${ui.session().accountId}:role/service-role/kinesis-analytics-${name}-${ui.session().region}`;

  // v1or2 makes a call through v1 and, for an application the v2 API
  // created or changed (which v1 may read but not change, as on AWS),
  // again through v2.
  async function v1or2(op, body, body2 = body) {
    try {
      return await kaApi(op, body);
    } catch (e) {
      if (e.type === 'UnsupportedOperationException' && /kinesisanalyticsv2/.test(e.message)) return kaApi2(op, body2);
      throw e;
    }
  }

  async function deleteApp(name) {
    const d = (await kaApi('DescribeApplication', { ApplicationName: name })).ApplicationDetail;
    await v1or2('DeleteApplication', { ApplicationName: name, CreateTimestamp: d.CreateTimestamp });
    flash(d.ApplicationStatus === 'RUNNING' ? `Application ${name} is stopping, then it is deleted.` : `Application ${name} deleted.`);
  }

  function confirmDelete(name, then) {
    confirmDeleteOf(name, 'application',
      'Deleting an application stops it and deletes its configuration and code; its sources and destinations stay.',
      async () => { await deleteApp(name); then(); });
  }

  function route(main, parts) {
    if (parts[0] === 'create') create(main);
    else if (parts[0] === 'applications' && parts[1]) page(main, parts[1], parts[2] || 'details');
    else list(main);
  }

  // ---------- applications list ----------

  function list(main) {
    const search = el('input', { id: 'ka-search', type: 'text', placeholder: 'Find applications', 'aria-label': 'Find applications' });
    const body = el('tbody');
    const info = el('div', { 'aria-live': 'polite' });
    main.replaceChildren(
      el('h1', {}, 'Data Analytics applications'),
      el('p', { class: 'hint' }, 'SQL applications (runtime SQL-1_0) reading a data stream or Firehose stream and writing to up to three destinations.'),
      el('div', { class: 'bar' }, search, el('span', { class: 'spacer' }),
        el('button', { class: 'primary', type: 'button', id: 'ka-create', onclick: () => { location.hash = '#/analytics/create'; } }, 'Create application')),
      info,
      el('table', { 'aria-label': 'Applications' },
        el('thead', {}, el('tr', {}, ['Name', 'Status', 'Runtime', 'Version', 'Creation time', ''].map((h) => el('th', { scope: 'col' }, h)))),
        body));
    let apps = null;
    const created = new Map(); // ARN → { version, created }
    const draw = () => {
      if (!apps) return;
      const q = search.value.trim().toLowerCase();
      const shown = apps.filter((a) => a.ApplicationName.toLowerCase().includes(q));
      body.replaceChildren(...shown.map((a) => el('tr', {},
        el('td', {}, el('a', { href: appHref(a.ApplicationName) }, a.ApplicationName)),
        el('td', {}, statusBadge(a.ApplicationStatus)),
        el('td', {}, a.RuntimeEnvironment),
        el('td', {}, a.ApplicationVersionId),
        el('td', {}, fmtTime((created.get(a.ApplicationARN) || {}).created)),
        el('td', {}, el('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${a.ApplicationName}`,
          disabled: !STABLE.includes(a.ApplicationStatus), onclick: () => confirmDelete(a.ApplicationName, refresh) }, 'Delete')))));
      if (!shown.length) body.append(el('tr', {}, el('td', { colspan: 6 }, apps.length ? 'No applications match.' : 'No applications yet.')));
    };
    search.addEventListener('input', draw);
    const refresh = async () => {
      try {
        const all = [];
        let out = await kaApi2('ListApplications', { Limit: 50 });
        all.push(...out.ApplicationSummaries);
        while (out.NextToken && all.length < 1000) {
          out = await kaApi2('ListApplications', { Limit: 50, NextToken: out.NextToken });
          all.push(...out.ApplicationSummaries);
        }
        apps = all;
        info.replaceChildren();
        draw();
        // Creation times, once per application (a lower version is a new
        // application of the same name).
        for (const a of apps) {
          const c = created.get(a.ApplicationARN);
          if (c && c.version <= a.ApplicationVersionId) continue;
          try {
            const d = (await kaApi('DescribeApplication', { ApplicationName: a.ApplicationName })).ApplicationDetail;
            created.set(a.ApplicationARN, { version: d.ApplicationVersionId, created: d.CreateTimestamp });
          } catch { /* deleted meanwhile */ }
        }
        draw();
      } catch (e) {
        info.replaceChildren(errorBox(e));
      }
    };
    every(3000, refresh);
  }

  // ---------- create application ----------

  function create(main) {
    const name = el('input', { id: 'ka-name', type: 'text', maxlength: '128', autocomplete: 'off', required: true, 'aria-describedby': 'ka-name-hint ka-name-msg' });
    const nameMsg = el('p', { id: 'ka-name-msg', class: 'invalid', 'aria-live': 'polite' });
    const nameProblem = () => NAME_RE.test(name.value) ? '' : 'Use 1 to 128 letters, digits, hyphens (-), underscores (_) and periods (.).';
    name.addEventListener('input', () => { nameMsg.textContent = nameProblem(); });
    const description = el('textarea', { id: 'ka-description', maxlength: '1024', rows: '2' });
    const editor = sqlEditor(el, { id: 'ka-create-code', label: 'Application code (SQL) - optional', rows: 12, placeholder: TEMPLATE });
    const tags = tagRows();
    const err = el('div', { 'aria-live': 'polite' });
    const form = el('form', { novalidate: true, 'aria-labelledby': 'ka-create-title' },
      el('div', { class: 'panel' }, el('h2', {}, 'Application configuration'),
        el('label', { for: 'ka-name' }, 'Application name'), name,
        el('p', { id: 'ka-name-hint', class: 'hint' }, 'Unique in the account and region: 1 to 128 letters, digits, hyphens, underscores and periods.'), nameMsg,
        el('label', { for: 'ka-description' }, 'Description - optional'), description,
        el('p', {}, 'Runtime: SQL (SQL-1_0)')),
      el('div', { class: 'panel' }, el('h2', {}, 'SQL code'),
        el('p', { class: 'hint' }, 'The code is validated when it is saved; you can also write it later in the application\'s SQL editor. The source\'s in-application streams are named SOURCE_SQL_STREAM_001 and on.'),
        editor.root),
      el('div', { class: 'panel' }, el('h2', {}, 'Tags - optional'), tags.root),
      err,
      el('div', { class: 'bar' }, el('a', { href: '#/analytics' }, 'Cancel'),
        el('button', { class: 'primary', type: 'submit', id: 'ka-create-submit' }, 'Create application')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.replaceChildren();
      editor.clearError();
      if (nameProblem()) { nameMsg.textContent = nameProblem(); name.focus(); return; }
      const input = { ApplicationName: name.value };
      if (description.value) input.ApplicationDescription = description.value;
      if (editor.value.trim()) input.ApplicationCode = editor.value;
      const t = tags.get();
      if (t.length) input.Tags = t;
      try {
        await kaApi('CreateApplication', input);
        flash(`Application ${name.value} created.`);
        location.hash = appHref(name.value);
      } catch (e) {
        if (e.type === 'CodeValidationException') editor.showError(e);
        else err.append(errorBox(e));
      }
    });
    main.replaceChildren(el('p', {}, el('a', { href: '#/analytics' }, 'Data Analytics applications'), ' › Create application'),
      el('h1', { id: 'ka-create-title' }, 'Create application'), form);
    name.focus();
  }

  // tagRows is the create page's editable list of tags.
  function tagRows() {
    const rows = el('div', { id: 'ka-tags' });
    let n = 0;
    const add = () => {
      const i = n++;
      const row = el('div', { class: 'bar' },
        el('label', { class: 'inline', for: `ka-tag-key-${i}` }, 'Key'), el('input', { id: `ka-tag-key-${i}`, type: 'text', class: 'tag-key' }),
        el('label', { class: 'inline', for: `ka-tag-value-${i}` }, 'Value'), el('input', { id: `ka-tag-value-${i}`, type: 'text', class: 'tag-value' }),
        el('button', { type: 'button', onclick: () => row.remove() }, 'Remove'));
      rows.append(row);
      row.querySelector('input').focus();
    };
    const root = el('div', {}, rows, el('button', { type: 'button', onclick: add }, 'Add new tag'));
    const get = () => [...rows.children].map((r) => ({ Key: r.querySelector('.tag-key').value.trim(), Value: r.querySelector('.tag-value').value }))
      .filter((t) => t.Key);
    return { root, get };
  }

  // ---------- an application's page ----------

  function page(main, name, tab) {
    const status = el('span', { id: 'analytics-status', class: 'status', role: 'status' }, '…');
    const run = el('button', { type: 'button', class: 'primary', id: 'ka-run', disabled: true, onclick: () => runDialog(ctx) }, 'Run');
    const stop = el('button', { type: 'button', id: 'ka-stop', disabled: true, onclick: () => stopApp(ctx) }, 'Stop');
    const del = el('button', { type: 'button', class: 'danger', id: 'ka-delete', disabled: true,
      onclick: () => confirmDelete(name, () => { location.hash = '#/analytics'; }) }, 'Delete');
    const problem = el('div', { id: 'ka-problem', 'aria-live': 'polite' });
    const content = el('section', { id: 'tab-content', 'aria-label': (TABS.find((t) => t[0] === tab) || TABS[0])[1] });
    main.replaceChildren(
      el('p', {}, el('a', { href: '#/analytics' }, 'Data Analytics applications'), ' › ', name),
      el('h1', {}, name, status, el('span', { class: 'spacer' }), run, stop, del),
      problem,
      el('nav', { class: 'tabs', 'aria-label': 'Application tabs' },
        TABS.map(([id, label]) => el('a', { href: appHref(name, id), 'aria-current': id === tab ? 'page' : false, id: 'ka-tab-' + id }, label))),
      content);

    const ctx = {
      name, app: null, role: roleFor(name), expect: null,
      // refresh reads the application and updates the header.
      refresh: async () => {
        const d = (await kaApi('DescribeApplication', { ApplicationName: name })).ApplicationDetail;
        ctx.app = d;
        const s = d.ApplicationStatus;
        status.textContent = statusLabel(s);
        status.className = 'status ' + statusLabel(s);
        run.disabled = s !== 'READY';
        stop.disabled = s !== 'RUNNING';
        del.disabled = !STABLE.includes(s);
        if (s === 'RUNNING') ctx.expect = null;
        if (ctx.expect === 'RUNNING' && s === 'READY') {
          // Started, then READY again without running: the engine could
          // not start it (the server's log has the cause).
          ctx.expect = null;
          problem.replaceChildren(errorBox('The application stopped while starting and is READY again: the SQL engine could not run it. The server\'s log says why.'));
        }
        for (const f of ctx.listeners) f(d);
        return d;
      },
      // reload reads the application and draws the tab again.
      reload: async () => { await ctx.refresh(); draw(); },
      listeners: [],
      problem,
    };
    const draw = () => {
      ctx.listeners = [];
      const render = { details, sql: sqlTab, live: (box, c) => liveView(ui, c, box) }[tab] || details;
      render(content, ctx);
    };
    // The status is read every second while it changes, every three
    // seconds when it is READY or RUNNING.
    let last = 0;
    every(1000, async () => {
      const moving = !ctx.app || !STABLE.includes(ctx.app.ApplicationStatus) || ctx.expect;
      if (!moving && Date.now() - last < 3000) return;
      last = Date.now();
      const first = !ctx.app;
      try {
        await ctx.refresh();
        if (first) draw();
      } catch (e) {
        problem.replaceChildren(errorBox(e));
        if (e.type === 'ResourceNotFoundException') status.textContent = 'Not found';
      }
    });
  }

  function runDialog(ctx) {
    const inputs = ctx.app.InputDescriptions || [];
    const ran = inputs.some((i) => i.InputStartingPositionConfiguration);
    const err = el('div', { id: 'ka-run-error', 'aria-live': 'polite' });
    const go = el('button', { class: 'primary', type: 'submit', id: 'ka-run-confirm' }, 'Run');
    const dialog = el('dialog', { 'aria-labelledby': 'ka-run-title' },
      el('form', { method: 'dialog' },
        el('h2', { id: 'ka-run-title' }, `Run ${ctx.name}?`),
        el('fieldset', {}, el('legend', {}, 'Starting position of the source'),
          POSITIONS.map(([value, label, hint]) => el('div', {},
            el('label', { class: 'inline' }, el('input', { type: 'radio', name: 'ka-start-position', value,
              checked: value === (ran ? 'LAST_STOPPED_POINT' : 'NOW') }), label),
            el('p', { class: 'hint' }, hint)))),
        inputs.length ? null : el('p', { class: 'invalid' }, 'The application has no source yet: connect one on the Configuration tab.'),
        err,
        el('div', { class: 'bar' }, el('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), go)));
    go.addEventListener('click', async (ev) => {
      ev.preventDefault();
      err.replaceChildren();
      const pos = dialog.querySelector('input[name=ka-start-position]:checked').value;
      const cfg = { InputStartingPositionConfiguration: { InputStartingPosition: pos } };
      try {
        await v1or2('StartApplication',
          { ApplicationName: ctx.name, InputConfigurations: inputs.map((i) => ({ Id: i.InputId, ...cfg })) },
          { ApplicationName: ctx.name, RunConfiguration: { SqlRunConfigurations: inputs.map((i) => ({ InputId: i.InputId, ...cfg })) } });
        ctx.expect = 'RUNNING';
        ctx.problem.replaceChildren();
        flash(`Application ${ctx.name} is starting.`);
        dialog.close();
        await ctx.refresh();
      } catch (e) {
        err.replaceChildren(errorBox(e));
      }
    });
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    go.focus();
  }

  async function stopApp(ctx) {
    try {
      await v1or2('StopApplication', { ApplicationName: ctx.name });
      ctx.expect = null;
      flash(`Application ${ctx.name} is stopping.`);
      await ctx.refresh();
    } catch (e) {
      ctx.problem.replaceChildren(errorBox(e));
    }
  }

  // ---------- configuration tab ----------

  function details(content, ctx) {
    const d = ctx.app;
    const item = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
    const summary = el('dl', { class: 'summary' });
    const drawSummary = (a) => summary.replaceChildren(
      item('Status', statusLabel(a.ApplicationStatus)),
      item('Runtime', 'SQL-1_0'),
      item('Version', a.ApplicationVersionId),
      item('Description', a.ApplicationDescription || '-'),
      item('Creation time', fmtTime(a.CreateTimestamp)),
      item('Last update', fmtTime(a.LastUpdateTimestamp)),
      item('ARN', el('span', { class: 'mono' }, a.ApplicationARN)));
    drawSummary(d);
    ctx.listeners.push(drawSummary);
    const source = el('section', { class: 'panel', id: 'ka-source', 'aria-labelledby': 'ka-source-title' });
    const outputs = el('section', { class: 'panel', id: 'ka-destinations', 'aria-labelledby': 'ka-destinations-title' });
    const refs = el('section', { class: 'panel', id: 'ka-reference', 'aria-labelledby': 'ka-reference-title' });
    const tags = el('section', { class: 'panel', id: 'ka-tags-panel', 'aria-labelledby': 'ka-tags-title' });
    content.replaceChildren(el('div', { class: 'panel' }, el('h2', {}, 'Application details'), summary), source, outputs, refs, tags);
    sourcePanel(ui, ctx, source);
    destinationsPanel(ui, ctx, outputs);
    referencePanel(ui, ctx, refs);
    tagsPanel(ctx, tags);
  }

  function tagsPanel(ctx, box) {
    const arn = ctx.app.ApplicationARN;
    const body = el('tbody');
    const err = el('div');
    const load = async () => {
      try {
        const out = await kaApi('ListTagsForResource', { ResourceARN: arn });
        body.replaceChildren(...(out.Tags || []).map((t) => el('tr', {},
          el('td', {}, t.Key), el('td', {}, t.Value || ''),
          el('td', {}, el('button', { type: 'button', 'aria-label': `Remove tag ${t.Key}`, onclick: async () => {
            err.replaceChildren();
            try { await kaApi('UntagResource', { ResourceARN: arn, TagKeys: [t.Key] }); await load(); } catch (e) { err.replaceChildren(errorBox(e)); }
          } }, 'Remove')))));
        if (!body.children.length) body.append(el('tr', {}, el('td', { colspan: 3 }, 'No tags.')));
      } catch (e) { err.replaceChildren(errorBox(e)); }
    };
    const key = el('input', { id: 'ka-new-tag-key', type: 'text' });
    const value = el('input', { id: 'ka-new-tag-value', type: 'text' });
    const form = el('form', { class: 'bar' },
      el('label', { class: 'inline', for: 'ka-new-tag-key' }, 'Key'), key,
      el('label', { class: 'inline', for: 'ka-new-tag-value' }, 'Value'), value,
      el('button', { type: 'submit' }, 'Add tag'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.replaceChildren();
      try {
        await kaApi('TagResource', { ResourceARN: arn, Tags: [{ Key: key.value, Value: value.value }] });
        key.value = value.value = '';
        await load();
      } catch (e) { err.replaceChildren(errorBox(e)); }
    });
    box.replaceChildren(el('h2', { id: 'ka-tags-title' }, 'Tags'),
      el('table', { 'aria-label': 'Tags' }, el('thead', {}, el('tr', {}, el('th', {}, 'Key'), el('th', {}, 'Value'), el('th', {}, ''))), body),
      err, form);
    load();
  }

  // ---------- SQL editor tab ----------

  function sqlTab(content, ctx) {
    const d = ctx.app;
    const editor = sqlEditor(el, { id: 'ka-code', label: 'Application code (SQL)', value: d.ApplicationCode || '', rows: 20, placeholder: TEMPLATE });
    const saved = el('span', { class: 'hint', id: 'ka-code-saved', 'aria-live': 'polite' }, `Version ${d.ApplicationVersionId}`);
    const save = el('button', { type: 'submit', class: 'primary', id: 'ka-save-sql' }, 'Save SQL');
    const form = el('form', { class: 'panel', 'aria-label': 'SQL code' }, editor.root, el('div', { class: 'bar' }, save, saved));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      editor.clearError();
      save.disabled = true;
      try {
        await kaApi('UpdateApplication', {
          ApplicationName: ctx.name, CurrentApplicationVersionId: ctx.app.ApplicationVersionId,
          ApplicationUpdate: { ApplicationCodeUpdate: editor.value },
        });
        const a = await ctx.refresh();
        saved.textContent = `Saved as version ${a.ApplicationVersionId}${a.ApplicationStatus === 'UPDATING' ? '; the running application restarts with it' : ''}.`;
        flash('SQL code saved.');
      } catch (e) {
        editor.showError(e);
      } finally {
        save.disabled = false;
      }
    });
    content.replaceChildren(inAppStreams(d), form);
  }

  // inAppStreams lists what the code can read and where its streams go.
  function inAppStreams(d) {
    const cols = (s) => (s.RecordColumns || []).map((c) => `${c.Name} ${c.SqlType}`).join(', ');
    const rows = [];
    for (const i of d.InputDescriptions || []) {
      for (const s of i.InAppStreamNames) rows.push(el('li', {}, 'Source stream ', el('code', {}, s), ` (${cols(i.InputSchema)})`));
    }
    for (const r of d.ReferenceDataSourceDescriptions || []) {
      rows.push(el('li', {}, 'Reference table ', el('code', {}, r.TableName), ` (${cols(r.ReferenceSchema)})`));
    }
    for (const o of d.OutputDescriptions || []) {
      const dest = o.KinesisStreamsOutputDescription || o.KinesisFirehoseOutputDescription || o.LambdaOutputDescription || {};
      rows.push(el('li', {}, 'Destination: ', el('code', {}, o.Name), ` → ${(dest.ResourceARN || '').split(/[/:]/).pop()} (${o.DestinationSchema.RecordFormatType})`));
    }
    return el('div', { class: 'panel', id: 'ka-in-app' }, el('h2', {}, 'In-application streams and tables'),
      rows.length ? el('ul', { class: 'plain' }, rows) : el('p', { class: 'hint' }, 'No source, reference data or destination yet: connect them on the Configuration tab.'));
  }

  return { route };
}
