// The local chat page: plain JS, no build step. Everything is rendered with textContent (never
// innerHTML), so message text from anywhere cannot inject markup. It talks only to
// /local-chat/api on this origin and never holds a REST token.
'use strict';

const API = '/local-chat/api';
const $ = (id) => document.getElementById(id);
const state = { user: '', users: [], channel: 'incidents', channels: [], messages: new Map(), thread: null, panel: null };

/** h('div', { class: 'x', onclick: fn }, 'text', child) */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

async function api(path, body, accept) {
  const init = body === undefined ? { headers: { accept: accept || 'application/json' } } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(API + path, init);
  if (accept && accept.startsWith('text/')) {
    if (!res.ok) throw new Error(((await res.json().catch(() => ({}))).detail) || `HTTP ${res.status}`);
    return res.text();
  }
  const json = await res.json().catch(() => ({ ok: false, detail: `HTTP ${res.status}` }));
  if (!json.ok) throw new Error(json.detail || json.error || `HTTP ${res.status}`);
  return json;
}

function toast(text, kind) {
  const el = h('div', { class: `toast ${kind || ''}`, role: 'status', title: 'Click to dismiss', onclick: () => el.remove() }, text);
  $('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 9000 : 6000);
}

const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');

// ---- users ------------------------------------------------------------------------------------
async function loadUsers() {
  const { users } = await api('/users');
  state.users = users;
  const select = $('user');
  select.replaceChildren(...users.map((u) => h('option', { value: u.user }, `${u.name} (${u.user})`)), h('option', { value: '__other' }, 'Someone else…'));
  $('people').replaceChildren(...users.map((u) => h('option', { value: `@${u.personId}` }, u.name)));
  const saved = localStorage.getItem('localChatUser');
  state.user = saved || (users[0] && users[0].user) || 'guest';
  if (!users.some((u) => u.user === state.user)) select.prepend(h('option', { value: state.user }, `${state.user} (not on the roster)`));
  select.value = state.user;
  select.addEventListener('change', () => {
    if (select.value === '__other') {
      const name = (prompt('Local user name (lowercase letters, digits, - and _):') || '').trim().toLowerCase();
      if (/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) {
        if (!select.querySelector(`option[value="${name}"]`)) select.prepend(h('option', { value: name }, `${name} (not on the roster)`));
        state.user = name;
      }
      select.value = state.user;
    } else state.user = select.value;
    localStorage.setItem('localChatUser', state.user);
    renderChannels();
    renderMessages(); // buttons depend on who is looking (no Ack on one's own hand-off)
    // Reads follow the reader's grants: show an open panel as the new user may see it.
    reopenPanel();
  });
}

// ---- channels and messages ----------------------------------------------------------------------
async function loadChannels() {
  state.channels = (await api('/channels')).channels;
  if (!state.channels.some((c) => c.name === state.channel) && state.channels[0] && !state.channels.some((c) => c.name === 'incidents')) state.channel = state.channels[0].name;
  renderChannels();
}

function renderChannels() {
  const item = (c, label) =>
    h('li', {}, h('button', { type: 'button', class: `link ${c.name === state.channel ? 'active' : ''}`, onclick: () => selectChannel(c.name) }, label, c.messages ? h('span', { class: 'count' }, c.messages) : null));
  $('channels').replaceChildren(...state.channels.filter((c) => !c.name.startsWith('dm-')).map((c) => item(c, `# ${c.name}`)));
  const mine = state.channels.filter((c) => c.name === `dm-${state.user}`);
  $('dms').replaceChildren(...(mine.length ? mine.map((c) => item(c, 'Your pages')) : [h('li', { class: 'muted' }, 'No direct messages')]));
}

async function selectChannel(name) {
  state.channel = name;
  state.thread = null;
  $('sidebar').classList.remove('open');
  $('menu').setAttribute('aria-expanded', 'false');
  renderChannels();
  const { messages } = await api(`/channels/${encodeURIComponent(name)}/messages`);
  state.messages = new Map(messages.map((m) => [m.id, m]));
  renderMessages();
}

function renderMessages() {
  $('channel-title').textContent = state.channel.startsWith('dm-') ? `Direct messages of ${state.channel.slice(3)}` : `#${state.channel}`;
  const all = [...state.messages.values()];
  const replies = new Map();
  for (const m of all) if (m.threadId) (replies.get(m.threadId) || replies.set(m.threadId, []).get(m.threadId)).push(m);
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...all.filter((m) => !m.threadId).map((m) => renderRoot(m, replies.get(m.id) || [])));
  if (!all.length) list.append(h('li', { class: 'muted empty' }, 'No messages yet. Alerts appear here when an incident is routed to this channel.'));
  if (atBottom) list.scrollTop = list.scrollHeight;
  renderThreadChip();
}

function renderRoot(m, replies) {
  return h(
    'li',
    { class: `msg ${state.thread === m.id ? 'in-thread' : ''}`, id: `msg-${m.id}` },
    renderBody(m),
    replies.length ? h('ol', { class: 'thread' }, replies.map((r) => h('li', { class: 'msg reply' }, renderBody(r)))) : null,
    h('button', { type: 'button', class: 'link small', onclick: () => enterThread(m) }, replies.length ? `Reply in thread (${replies.length})` : 'Reply in thread'),
  );
}

function renderBody(m) {
  const meta = h('div', { class: 'meta' }, h('strong', {}, m.user === 'bot' ? 'incident bot' : m.user), h('time', { datetime: m.ts }, time(m.ts)), m.editedTs ? h('span', { class: 'muted' }, '(updated)') : null);
  if (m.card) return h('div', {}, meta, renderCard(m.card, m.id));
  return h('div', {}, meta, renderText(m.text), m.mentions && m.mentions.length ? h('p', { class: 'mentions' }, m.mentions.map((u) => `@${u}`).join(' ')) : null);
}

// Fixed-width output arrives fenced with ``` (activities/chat/message.ts): shown as <pre>, which
// keeps columns and line breaks and scrolls sideways on a narrow screen instead of wrapping.
function renderText(text) {
  const parts = String(text).split(/(?:^|\n+)```(?:\n+|$)/);
  return h('div', { class: 'text-parts' }, parts.map((t, i) => (i % 2 === 1 ? h('pre', { class: 'code' }, t) : t ? h('p', { class: 'text' }, linkify(t)) : null)));
}

/** http(s) addresses in text become links (the postmortem link in a thread, say); the rest stays text. */
function linkify(text) {
  return text.split(/(https?:\/\/[^\s<>"']+)/).map((t, i) => (i % 2 === 1 ? h('a', { href: t, target: t.startsWith(location.origin + '/chat#') ? '_self' : '_blank', rel: 'noopener' }, t) : t));
}

function renderCard(c, messageId) {
  const row = (label, value) => (value === undefined || value === null || value === '' ? null : h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, value)));
  return h(
    'article',
    { class: `card sev-${c.severity} st-${c.status}`, 'data-incident-id': c.incidentId, 'data-status': c.status },
    h('header', {}, h('span', { class: `badge st-${c.status}` }, c.status), h('span', { class: `badge sev-${c.severity}` }, c.severity), h('h3', {}, c.title)),
    h(
      'dl',
      {},
      row('Resource', c.resource),
      row('Where', [c.cluster, c.namespace].filter(Boolean).join(' / ')),
      row('Reason', `${c.reason}: ${c.detail}`),
      row('Summary', c.alertSummary),
      row('Description', c.alertDescription),
      row('Occurrences', `${c.occurrences} · first ${time(c.firstSeen)} · last ${time(c.lastSeen)}`),
      row({ acknowledged: 'Acknowledged by', resolved: 'Responder' }[c.status] || (c.handoffPending ? 'Handed off to (awaiting ack)' : 'Paging'), c.assignee),
      row('Level', c.level > 0 ? String(c.level) : ''),
      row('Escalation', c.snooze && c.snooze.label),
      row('Diagnostics', c.digest),
      row('Resolution', c.summary),
    ),
    h('div', { class: 'actions' }, (c.actions || []).filter((a) => !(a === 'ack' && c.handoffPending && c.handoffBy && c.handoffBy === me())).map((a) => actionButton(a, c.incidentId, messageId, c.handoffPending)), h('button', { type: 'button', class: 'secondary', onclick: () => openIncident(c.incidentId) }, 'Details')),
    // Same-origin links only (incident and postmortem views); outside links such as the Temporal UI
    // open in a new tab.
    (c.links || []).length ? h('div', { class: 'links' }, c.links.map((l) => h('a', { href: l.url, target: l.url.includes('/chat#') ? '_self' : '_blank', rel: 'noopener' }, l.label))) : null,
  );
}

/** The roster id of the page's user (the hand-off's author is not offered Ack on their own hand-off). */
function me() {
  const u = state.users.find((x) => x.user === state.user);
  return u ? u.personId : undefined;
}

function actionButton(action, incidentId, messageId, handoffPending) {
  // While a hand-off waits, Ack is for the new responder (the same label as every platform's card).
  const labels = { ack: handoffPending ? 'Accept hand-off' : 'Ack', handoff: 'Hand off', resolve: 'Resolve' };
  return h('button', { type: 'button', class: action === 'ack' ? 'primary' : '', onclick: () => act(action, incidentId, messageId) }, labels[action]);
}

// ---- actions ------------------------------------------------------------------------------------
function ask(dialogId) {
  const dialog = $(dialogId);
  const form = dialog.querySelector('form');
  form.reset();
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? Object.fromEntries(new FormData(form)) : null), { once: true }));
}

async function act(action, incidentId, messageId) {
  let extra = {};
  if (action === 'handoff') extra = await ask('handoff-dialog');
  if (action === 'resolve') extra = await ask('resolve-dialog');
  if (!extra) return;
  try {
    const { reply } = await api('/interact', { user: state.user, incidentId, action, messageId, ...extra });
    toast(reply.text, reply.outcome === 'refused' ? 'error' : reply.outcome === 'done' ? 'ok' : '');
    if (state.panel && state.panel.kind === 'incident' && state.panel.id === incidentId) openIncident(incidentId);
  } catch (err) {
    toast(err.message, 'error');
  }
}

function enterThread(m) {
  state.thread = m.id;
  renderMessages();
  $('command').focus();
}

function renderThreadChip() {
  const root = state.thread && state.messages.get(state.thread);
  $('thread-chip').hidden = !root;
  if (root) $('thread-label').textContent = `Replying in thread: ${root.card ? root.card.title : root.text.slice(0, 60)}`;
}

async function sendCommand(event) {
  event.preventDefault();
  const input = $('command');
  const text = input.value.trim();
  if (!text) return;
  if (!text.startsWith('/')) return toast('Type a command starting with "/" (try /incident help).', 'error');
  try {
    const { reply } = await api('/command', { user: state.user, channel: state.channel, threadId: state.thread || undefined, text });
    input.value = '';
    if (reply.ephemeral) toast(reply.text, reply.outcome === 'refused' ? 'error' : '');
  } catch (err) {
    toast(err.message, 'error');
  }
}

// ---- incident and postmortem panel --------------------------------------------------------------
function showPanel(title, ...content) {
  $('panel-title').textContent = title;
  $('panel-body').replaceChildren(...content.filter((c) => c !== null && c !== undefined));
  $('panel').hidden = false;
}

function closePanel() {
  $('panel').hidden = true;
  state.panel = null;
  if (location.hash) history.replaceState(null, '', location.pathname);
}

/** Opens the shown panel again (after the user changed: what it shows follows their grants). */
function reopenPanel() {
  const p = state.panel;
  if (!p) return;
  if (p.kind === 'incident') openIncident(p.id);
  else if (p.kind === 'list') openIncidentList();
  else if (p.kind === 'postmortem') openPostmortem(p.id);
  else if (p.kind === 'postmortems') openPostmortemList();
}

async function openIncident(id) {
  state.panel = { kind: 'incident', id };
  try {
    const { incident: s, names } = await api(`/incidents/${encodeURIComponent(id)}?user=${encodeURIComponent(state.user)}`);
    const name = (p) => (p && p !== 'system' ? names[p] || p : 'system');
    const field = (label, value) => (value ? h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, value)) : null);
    showPanel(
      `${s.kind}: ${(s.owner || s.resource).kind}/${(s.owner || s.resource).name}`,
      h('p', {}, h('span', { class: `badge st-${s.status}` }, s.status), h('span', { class: `badge sev-${s.severity}` }, s.severity), h('code', { class: 'id' }, s.id)),
      h(
        'dl',
        {},
        field('Cluster / namespace', [s.cluster, s.namespace].filter(Boolean).join(' / ')),
        field('Assignee', s.assignee && names[s.assignee] ? names[s.assignee] : s.assignee),
        field('Handoff pending to', s.handoffPendingTo && name(s.handoffPendingTo)),
        field('Level', s.level ? `${s.level}${s.repeat ? ` (repeat ${s.repeat})` : ''}` : ''),
        field('Occurrences', `${s.occurrences.count} (first ${time(s.occurrences.firstSeen)}, last ${time(s.occurrences.lastSeen)})`),
        field('Opened', time(s.openedAt)),
        field('Acknowledged', time(s.acknowledgedAt)),
        field('Resolved', s.resolvedAt ? `${time(s.resolvedAt)} by ${name(s.resolvedBy)}` : ''),
        field('Summary', s.summary),
      ),
      s.status !== 'resolved' ? h('div', { class: 'actions' }, (s.status === 'acknowledged' ? ['handoff', 'resolve'] : ['ack', 'handoff', 'resolve']).map((a) => actionButton(a, s.id))) : null,
      s.postmortemId ? h('p', {}, h('button', { type: 'button', class: 'link', onclick: () => openPostmortem(s.postmortemId) }, 'Read the postmortem')) : null,
      s.diagnostics ? h('details', {}, h('summary', {}, `Diagnostics: ${s.diagnostics.digest}`), s.diagnostics.sections.map((d) => h('section', {}, h('h4', {}, d.title), h('pre', { class: 'code' }, d.body)))) : null,
      h('h3', {}, 'Timeline'),
      h('ol', { class: 'timeline' }, s.timeline.map((e) => h('li', { class: `tl-${e.type}` }, h('time', { datetime: e.at }, time(e.at)), h('span', { class: 'badge' }, e.type), h('span', { class: 'who' }, name(e.actor)), h('span', {}, e.text)))),
    );
  } catch (err) {
    showPanel('Incident', h('p', { class: 'error' }, err.message));
  }
}

async function openIncidentList() {
  state.panel = { kind: 'list' };
  try {
    const { incidents, names } = await api(`/incidents?status=all&user=${encodeURIComponent(state.user)}`);
    const name = (p) => (p ? names[p] || p : '');
    // One row per run: a problem that recurs after a resolve is a new run of the same id.
    const run = (i) =>
      h(
        'li',
        { class: 'run', 'data-incident-id': i.id, 'data-run-id': i.runId, 'data-status': i.status },
        h('button', { type: 'button', class: 'link', onclick: () => openIncident(i.id) }, h('span', { class: `badge st-${i.status}` }, i.status), h('span', { class: `badge sev-${i.severity}` }, i.severity || '?'), i.id),
        h(
          'dl',
          { class: 'run-facts' },
          h('dt', {}, 'Opened'), h('dd', {}, time(i.openedAt)),
          i.assignee ? [h('dt', {}, 'Responder'), h('dd', {}, name(i.assignee))] : null,
          i.resolvedBy ? [h('dt', {}, 'Resolved by'), h('dd', {}, name(i.resolvedBy))] : null,
          i.postmortemId ? [h('dt', {}, 'Postmortem'), h('dd', {}, h('button', { type: 'button', class: 'link', onclick: () => openPostmortem(i.postmortemId) }, 'Read'))] : null,
        ),
      );
    showPanel(
      'Incidents',
      incidents.length ? h('ul', { class: 'plain runs' }, incidents.map(run)) : h('p', { class: 'muted' }, 'No incidents yet (the list lags a moment behind new incidents).'),
    );
  } catch (err) {
    showPanel('Incidents', h('p', { class: 'error' }, err.message));
  }
}

async function openPostmortem(id) {
  state.panel = { kind: 'postmortem', id };
  try {
    // The api renders the document (escaped text, headings, tables; see activities/postmortem/html.ts)
    // and serves it with a CSP that forbids scripts; the page adopts its <article>.
    const page = new DOMParser().parseFromString(await api(`/postmortems/${encodeURIComponent(id)}?user=${encodeURIComponent(state.user)}`, undefined, 'text/html'), 'text/html');
    const article = page.querySelector('article.postmortem');
    showPanel('Postmortem', article ? document.adoptNode(article) : h('p', { class: 'error' }, 'The postmortem could not be read.'));
  } catch (err) {
    showPanel('Postmortem', h('p', { class: 'error' }, err.message));
  }
}

async function openPostmortemList() {
  state.panel = { kind: 'postmortems' };
  try {
    const { postmortems } = await api(`/postmortems?user=${encodeURIComponent(state.user)}`);
    showPanel(
      'Postmortems',
      postmortems.length
        ? h('ul', { class: 'plain' }, postmortems.map((p) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => openPostmortem(p.id) }, `${p.title} · ${p.cluster} · ${time(p.resolvedAt)}`))))
        : h('p', { class: 'muted' }, 'No postmortems yet: one is written when an incident is resolved.'),
    );
  } catch (err) {
    showPanel('Postmortems', h('p', { class: 'error' }, err.message));
  }
}

function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get('incident')) openIncident(params.get('incident'));
  else if (params.get('postmortem')) openPostmortem(params.get('postmortem'));
}

// ---- live events --------------------------------------------------------------------------------
let refreshTimer = null;
function connect() {
  const es = new EventSource(`${API}/events`);
  es.addEventListener('open', () => {
    $('conn').textContent = 'live';
    $('conn').className = 'conn live';
  });
  es.addEventListener('error', () => {
    $('conn').textContent = 'reconnecting…';
    $('conn').className = 'conn down';
  });
  es.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    if (!state.channels.some((c) => c.name === m.channel)) loadChannels();
    if (m.channel === state.channel) {
      state.messages.set(m.id, m);
      renderMessages();
    }
    // Card changes mean the incident changed: refresh an open panel, at most every 500 ms.
    if (state.panel && state.panel.kind === 'incident' && m.incidentId === state.panel.id) {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => openIncident(state.panel.id), 500);
    }
  });
}

async function start() {
  $('composer').addEventListener('submit', sendCommand);
  $('thread-cancel').addEventListener('click', () => {
    state.thread = null;
    renderMessages();
  });
  $('panel-close').addEventListener('click', closePanel);
  $('show-incidents').addEventListener('click', openIncidentList);
  $('show-postmortems').addEventListener('click', openPostmortemList);
  $('menu').addEventListener('click', () => $('menu').setAttribute('aria-expanded', String($('sidebar').classList.toggle('open'))));
  window.addEventListener('hashchange', route);
  try {
    await loadUsers();
    await loadChannels();
    await selectChannel(state.channel);
  } catch (err) {
    toast(`Cannot load the chat: ${err.message}`, 'error');
  }
  connect();
  route();
}

start();
