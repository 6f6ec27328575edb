// A plain code editor for SQL: a textarea with line numbers that can mark
// one line with an error message beside it (a CodeValidationException's
// "at line 3, column 14"). No editor library: a textarea keeps the
// browser's own editing, undo, selection and accessibility, and the line
// numbers and the error band are drawn beside and over it with the same
// line height. Tab is left to move focus, so the editor never traps the
// keyboard.

const LINE = 20; // px: the CSS line height of .sql-editor textarea and .gutter
const PAD = 6; // px: their top padding

// codePosition reads the line and column an error message gives, in the
// wordings of the SQL validator ("at line 3, column 14", "At line 4,
// column 10: ..."), or null.
export function codePosition(message) {
  const m = /\bline (\d+), column (\d+)/i.exec(message || '');
  return m ? { line: +m[1], column: +m[2] } : null;
}

// sqlEditor returns the editor: root (to place in the page), textarea,
// value (get and set), showError(err) and clearError().
export function sqlEditor(el, { id, label, value = '', rows = 18, placeholder = '' }) {
  const textarea = el('textarea', {
    id, class: 'code', spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off', wrap: 'off', placeholder,
    'aria-describedby': id + '-error',
  });
  textarea.value = value;
  const gutter = el('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const band = el('div', { class: 'error-band', id: id + '-error-line', hidden: true, 'aria-hidden': 'true' });
  const note = el('div', { class: 'error-note', id: id + '-error-note', hidden: true, 'aria-hidden': 'true' });
  const box = el('div', { class: 'sql-editor' }, gutter, textarea, band, note);
  box.style.height = `${rows * LINE + 2 * PAD + 2}px`; // a style attribute would break the CSP
  const message = el('div', { id: id + '-error', 'aria-live': 'polite' });
  const root = el('div', { class: 'sql-editor-field' }, el('label', { for: id }, label), box, message);
  let mark = null; // { line, column, text }

  const numbers = () => {
    const n = textarea.value.split('\n').length;
    let text = '';
    for (let i = 1; i <= n; i++) text += i + '\n';
    // Blank lines after the numbers, so that the gutter can scroll as far
    // as the textarea (which may add a horizontal scroll bar).
    gutter.textContent = text + '\n'.repeat(rows);
    gutter.scrollTop = textarea.scrollTop;
  };
  let measure = null;
  const textWidth = (text) => {
    measure = measure || document.createElement('canvas').getContext('2d');
    measure.font = getComputedStyle(textarea).font;
    return measure.measureText(text.replace(/\t/g, '        ')).width;
  };
  const place = () => {
    if (!mark) return;
    const top = PAD + (mark.line - 1) * LINE - textarea.scrollTop;
    const visible = top > -LINE && top < textarea.clientHeight;
    band.hidden = note.hidden = !visible;
    band.style.top = `${top}px`;
    // The note sits on the line, after its text, when there is room
    // (240 px); otherwise under the line (over it, for the last line
    // shown), at the right.
    const line = textarea.value.split('\n')[mark.line - 1] || '';
    const left = textarea.offsetLeft + PAD + 2 + textWidth(line) - textarea.scrollLeft + 24;
    const room = box.clientWidth - left - 12;
    if (room >= 240) {
      note.style.left = `${left}px`;
      note.style.right = 'auto';
      note.style.maxWidth = `${room}px`;
      note.style.top = `${top + (LINE - note.offsetHeight) / 2}px`;
      return;
    }
    note.style.left = 'auto';
    note.style.right = '16px';
    note.style.maxWidth = '60%';
    note.style.top = `${top + LINE + note.offsetHeight > textarea.clientHeight ? top - note.offsetHeight : top + LINE}px`;
  };
  const clearError = () => {
    mark = null;
    band.hidden = note.hidden = true;
    textarea.removeAttribute('aria-invalid');
    message.replaceChildren();
  };
  // showError marks the line the error names, puts its message beside it,
  // and moves the caret there; an error without a position is shown under
  // the editor only.
  const showError = (err) => {
    clearError();
    const text = String(err);
    message.append(el('div', { class: 'error-box', role: 'alert' }, text));
    const pos = codePosition(err && err.message ? err.message : text);
    if (!pos) return;
    const lines = textarea.value.split('\n');
    const line = Math.min(Math.max(pos.line, 1), lines.length);
    mark = { line, column: pos.column, text };
    textarea.setAttribute('aria-invalid', 'true');
    band.dataset.line = String(line);
    note.textContent = err && err.message ? err.message : text; // it names the line and column
    let offset = 0;
    for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
    offset += Math.min(Math.max(pos.column - 1, 0), lines[line - 1].length);
    textarea.focus();
    textarea.setSelectionRange(offset, offset);
    const want = (line - 1) * LINE;
    if (want < textarea.scrollTop || want > textarea.scrollTop + textarea.clientHeight - 3 * LINE) {
      textarea.scrollTop = Math.max(0, want - textarea.clientHeight / 3);
    }
    numbers();
    band.hidden = note.hidden = false;
    place();
  };

  textarea.addEventListener('input', () => { numbers(); if (mark) clearError(); });
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; place(); });
  numbers();
  return {
    root, textarea, showError, clearError,
    get value() { return textarea.value; },
    set value(v) { textarea.value = v; clearError(); numbers(); },
  };
}
