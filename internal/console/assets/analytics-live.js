// The live view of a Data Analytics application ("Real-time analytics" in
// AWS's console): while the application runs, the recent rows of each of
// its in-application streams — the source streams, the streams its code
// creates, and error_stream — refreshed every two seconds, newest first.
// The rows come from GET /console/analytics/live, which asks the SQL
// engine (the API has no operation for them).

const EVERY = 2000;

export function liveView(ui, ctx, box) {
  const { el, errorBox, every } = ui;
  const state = el('p', { id: 'ka-live-state', class: 'hint', 'aria-live': 'polite' });
  const err = el('div', { id: 'ka-live-error', 'aria-live': 'polite' });
  const pause = el('input', { id: 'ka-live-pause', type: 'checkbox' });
  const streams = el('div', { id: 'ka-live-streams' });
  box.replaceChildren(
    el('div', { class: 'bar' }, el('label', { class: 'inline', for: 'ka-live-pause' }, pause, 'Pause'), state),
    err, streams);
  every(EVERY, async () => {
    if (pause.checked) return;
    const status = ctx.app && ctx.app.ApplicationStatus;
    try {
      const res = await fetch(`/console/analytics/live?application=${ui.enc(ctx.name)}`, { credentials: 'same-origin' });
      if (!res.ok) throw await ui.readError(res);
      const live = await res.json();
      err.replaceChildren();
      if (!live.running) {
        state.textContent = status === 'RUNNING' || status === 'STARTING'
          ? 'The application is starting…'
          : 'The application is not running: run it to see the rows of its in-application streams.';
      } else {
        state.textContent = `Updated ${new Date().toLocaleTimeString()}; the newest rows first, at most ${live.limit} per stream.`;
      }
      draw(live.streams || []);
    } catch (e) {
      state.textContent = '';
      err.replaceChildren(errorBox(e));
    }
  });

  function draw(list) {
    if (!list.length) { streams.replaceChildren(); return; }
    streams.replaceChildren(...list.map((s) => el('section', { class: 'panel live', 'aria-label': s.name },
      el('h2', {}, el('code', {}, s.name), el('span', { class: 'hint' }, kindLabel(s.kind)),
        el('span', { class: 'spacer' }), el('span', { class: 'hint' }, `${s.total.toLocaleString()} row(s) since the start`)),
      el('div', { class: 'scroll' }, el('table', { 'aria-label': `Rows of ${s.name}` },
        el('thead', {}, el('tr', {}, s.columns.map((c) => el('th', { scope: 'col' }, c)))),
        el('tbody', {}, s.rows.length
          ? s.rows.map((r) => el('tr', {}, r.map((v) => v === null ? el('td', { class: 'null' }, 'NULL') : el('td', {}, v))))
          : el('tr', {}, el('td', { colspan: s.columns.length || 1 }, 'No rows yet.'))))))));
  }
}

function kindLabel(kind) {
  return { source: 'source stream', stream: 'in-application stream', error: 'errors' }[kind] || '';
}
