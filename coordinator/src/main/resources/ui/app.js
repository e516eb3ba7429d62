// The bluegreen web view: every figure comes from the coordinator's REST API with the user's login (HTTP Basic,
// sent by this script as an Authorization header; kept in memory only, never in a URL or in storage).
'use strict';

const REFRESH_MS = 2000;
const COLORS = ['#1f5fbf', '#2e8b57', '#c2571a', '#7b3fb5', '#b8860b', '#0f8b8d', '#c2185b', '#5d6d7e'];
// which role may take which decision: the server enforces the same on every route
const DECISIONS = {
  approve: {role: 'approver', button: 'approve', question: id => 'Approve the switchover of ' + id
      + '? Blue is fenced and writes move to Green.'},
  rollback: {role: 'operator', button: 'rollback', reason: true, question: id => 'Roll back ' + id
      + '? Everything the upgrade made is undone; Blue stays the writer.'}
};

const state = {authorization: null, user: null, roles: [], selected: null, timer: null, pending: null};

const $ = id => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k === 'class') {
      node.className = v;
    } else {
      node.setAttribute(k, v);
    }
  });
  children.forEach(c => node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  if (text != null) {
    node.textContent = text;
  }
  return node;
}

class Unauthorized extends Error {}

async function api(path, options) {
  const init = Object.assign({method: 'GET'}, options || {});
  init.headers = Object.assign({
    'Authorization': state.authorization,
    'Accept': 'application/json',
    // tells the server not to challenge: a refused login comes back to this page, not to a browser dialog
    'X-Requested-With': 'XMLHttpRequest'
  }, init.headers || {});
  init.credentials = 'omit';
  const response = await fetch(path, init);
  if (response.status === 401) {
    throw new Unauthorized('The user name or password is wrong');
  }
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Error((body && (body.detail || body.title)) || ('HTTP ' + response.status));
  }
  return body;
}

function basic(user, password) {
  const bytes = new TextEncoder().encode(user + ':' + password);
  let binary = '';
  bytes.forEach(b => { binary += String.fromCharCode(b); });
  return 'Basic ' + btoa(binary);
}

async function login(event) {
  event.preventDefault();
  const user = $('username').value.trim();
  const password = $('password').value;
  $('login-error').textContent = '';
  state.authorization = basic(user, password);
  $('password').value = '';
  try {
    const me = await api('/me');
    state.user = me.name;
    state.roles = me.roles || [];
  } catch (e) {
    state.authorization = null;
    $('login-error').textContent = e instanceof Unauthorized ? 'Login refused: the user name or password is wrong.'
        : 'Login failed: ' + e.message;
    return;
  }
  $('login').hidden = true;
  $('session').hidden = false;
  $('upgrades').hidden = false;
  $('user').textContent = state.user;
  $('roles').textContent = '(' + state.roles.join(', ') + ')';
  const wanted = decodeURIComponent(location.hash.replace(/^#/, ''));
  if (wanted) {
    state.selected = wanted;
  }
  await refresh();
  state.timer = setInterval(refresh, REFRESH_MS);
}

function logout() {
  clearInterval(state.timer);
  Object.assign(state, {authorization: null, user: null, roles: [], selected: null, timer: null, pending: null});
  $('session').hidden = true;
  $('upgrades').hidden = true;
  $('detail').hidden = true;
  $('login').hidden = false;
  $('upgrade-list').tBodies[0].replaceChildren();
}

async function refresh() {
  if (!state.authorization) {
    return;
  }
  try {
    const upgrades = await api('/upgrades');
    renderList(upgrades);
    if (state.selected) {
      await renderDetail(state.selected);
    }
  } catch (e) {
    if (e instanceof Unauthorized) {
      logout();
      $('login-error').textContent = 'Your login is no longer accepted: log in again.';
    } else {
      $('action-result').textContent = 'Could not refresh: ' + e.message;
    }
  }
}

function progressBar(progress) {
  const bar = el('div', {class: 'progress', title: progress ? progress.percent + '%' : 'no fixed steps'});
  const fill = el('div');
  fill.style.width = (progress ? progress.percent : 0) + '%';
  bar.append(fill);
  return bar;
}

function renderList(upgrades) {
  const body = $('upgrade-list').tBodies[0];
  $('no-upgrades').hidden = upgrades.length > 0;
  const newestFirst = upgrades.slice().sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
  body.replaceChildren(...newestFirst.map(u => {
    const row = el('tr', {'data-upgrade': u.upgradeId},
        el('td', {class: 'upgrade-id'}, u.upgradeId),
        el('td', {}, u.blue),
        el('td', {}, u.targetVersion),
        el('td', {}, el('span', {class: 'phase ' + u.phase}, u.phase)),
        el('td', {}, progressBar(u.progress), ' ', u.progress ? u.progress.percent + '%' : ''),
        el('td', {class: 'muted'}, u.startedAt ? new Date(u.startedAt).toLocaleString() : ''));
    if (u.upgradeId === state.selected) {
      row.classList.add('selected');
    }
    row.addEventListener('click', () => select(u.upgradeId));
    return row;
  }));
}

async function select(id) {
  state.selected = id;
  state.pending = null;
  $('confirm').hidden = true;
  $('action-result').textContent = '';
  history.replaceState(null, '', '#' + encodeURIComponent(id));
  await refresh();
}

async function renderDetail(id) {
  const path = '/upgrades/' + encodeURIComponent(id);
  const [upgrade, events, lag, alerts] = await Promise.all([
    api(path), api(path + '/events'), api(path + '/lag/history'), api(path + '/alerts')]);
  $('detail').hidden = false;
  $('detail-title').textContent = upgrade.upgradeId;
  $('detail-phase').textContent = upgrade.phase;
  $('detail-phase').className = 'phase ' + upgrade.phase;
  $('detail-progress').replaceWith(Object.assign(progressBar(upgrade.progress), {id: 'detail-progress'}));
  $('detail-facts').textContent = 'Blue ' + upgrade.blue + ' to PostgreSQL ' + upgrade.targetVersion + '; databases '
      + (upgrade.databases || []).join(', ') + (upgrade.requestedBy ? '; requested by ' + upgrade.requestedBy : '')
      + (upgrade.writer ? '; writer now ' + upgrade.writer.host + ':' + upgrade.writer.port : '');
  $('detail-failure').hidden = !upgrade.lastFailure;
  $('detail-failure').textContent = upgrade.lastFailure ? 'Last failure: ' + upgrade.lastFailure : '';
  renderActions(upgrade);
  renderChart(lag);
  renderAlerts(alerts);
  renderTimeline(events);
}

// a button is offered only when the upgrade accepts the decision now and the user's roles allow it
function renderActions(upgrade) {
  Object.entries(DECISIONS).forEach(([decision, how]) => {
    const button = $(how.button);
    const offered = (upgrade.accepts || []).includes(decision) && state.roles.includes(how.role);
    button.hidden = !offered;
    if (!offered && state.pending === decision) {
      state.pending = null;
      $('confirm').hidden = true;
    }
  });
}

function ask(decision) {
  const how = DECISIONS[decision];
  state.pending = decision;
  $('confirm-text').textContent = how.question(state.selected);
  $('confirm-reason-label').hidden = !how.reason;
  $('confirm-reason').value = '';
  $('confirm').hidden = false;
  $('action-result').textContent = '';
}

async function confirmDecision() {
  const decision = state.pending;
  const id = state.selected;
  if (!decision || !id) {
    return;
  }
  const body = {};
  const reason = $('confirm-reason').value.trim();
  if (DECISIONS[decision].reason && reason) {
    body.reason = reason;
  }
  $('confirm').hidden = true;
  state.pending = null;
  $('action-result').textContent = 'Sending ' + decision + '...';
  try {
    const upgrade = await api('/upgrades/' + encodeURIComponent(id) + '/' + decision,
        {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
    $('action-result').textContent = decision + ' accepted: ' + upgrade.upgradeId + ' is ' + upgrade.phase;
  } catch (e) {
    $('action-result').textContent = decision + ' refused: ' + e.message;
  }
  await refresh();
}

function bytes(n) {
  if (n >= 1024 * 1024 * 1024) return (n / 1024 / 1024 / 1024).toFixed(1) + ' GiB';
  if (n >= 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + ' MiB';
  if (n >= 1024) return (n / 1024).toFixed(1) + ' KiB';
  return n + ' B';
}

function renderChart(lag) {
  const W = 720, H = 260, left = 70, right = 16, top = 14, bottom = 30;
  const chart = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Replication lag per database'});
  const series = (lag.databases || []).map(d => ({database: d.database,
    points: (d.points || []).filter(p => p.lagBytes != null).map(p => ({t: Date.parse(p.at), v: p.lagBytes}))}));
  const all = series.flatMap(s => s.points);
  $('lag-legend').replaceChildren();
  if (all.length === 0) {
    chart.append(svg('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle'},
        'No lag samples yet: the monitor samples once Green is subscribed.'));
    $('lag-chart').replaceChildren(chart);
    return;
  }
  let t0 = Math.min(...all.map(p => p.t)), t1 = Math.max(...all.map(p => p.t));
  if (t1 - t0 < 1000) {
    t0 -= 500;
    t1 += 500;
  }
  const vMax = Math.max(lag.thresholdBytes * 1.25, ...all.map(p => p.v), 1);
  const x = t => left + (t - t0) / (t1 - t0) * (W - left - right);
  const y = v => top + (1 - v / vMax) * (H - top - bottom);
  for (let i = 0; i <= 4; i++) {
    const v = vMax * i / 4;
    chart.append(svg('line', {class: 'grid', x1: left, x2: W - right, y1: y(v), y2: y(v)}));
    chart.append(svg('text', {x: left - 6, y: y(v) + 4, 'text-anchor': 'end'}, bytes(Math.round(v))));
  }
  chart.append(svg('line', {class: 'axis', x1: left, x2: left, y1: top, y2: H - bottom}));
  chart.append(svg('line', {class: 'axis', x1: left, x2: W - right, y1: H - bottom, y2: H - bottom}));
  [t0, (t0 + t1) / 2, t1].forEach((t, i) => chart.append(svg('text',
      {x: x(t), y: H - bottom + 16, 'text-anchor': ['start', 'middle', 'end'][i]}, new Date(t).toLocaleTimeString())));
  chart.append(svg('line', {class: 'threshold', x1: left, x2: W - right, y1: y(lag.thresholdBytes), y2: y(lag.thresholdBytes)}));
  chart.append(svg('text', {x: W - right, y: y(lag.thresholdBytes) - 4, 'text-anchor': 'end'},
      'threshold ' + bytes(lag.thresholdBytes)));
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const line = svg('polyline', {class: 'series', stroke: color, 'data-database': s.database,
      'data-points': s.points.length, points: s.points.map(p => x(p.t).toFixed(1) + ',' + y(p.v).toFixed(1)).join(' ')});
    chart.append(line);
    s.points.slice(-1).forEach(p => chart.append(svg('circle', {cx: x(p.t), cy: y(p.v), r: 3, fill: color})));
    const last = s.points.length ? bytes(s.points[s.points.length - 1].v) : 'not measured';
    const swatch = el('i');
    swatch.style.background = color;
    $('lag-legend').append(el('span', {class: 'legend', 'data-database': s.database}, swatch, s.database + ': ' + last));
  });
  $('lag-chart').replaceChildren(chart);
}

function renderAlerts(alerts) {
  $('no-alerts').hidden = alerts.length > 0;
  $('alert-list').replaceChildren(...alerts.map(a => el('li', {class: 'alert ' + a.severity, 'data-kind': a.kind},
      el('strong', {}, a.severity + ' ' + a.kind), ' on ', a.database, ': ', a.message,
      el('div', {class: 'muted'}, 'raised ' + new Date(a.raisedAt).toLocaleString()))));
}

function renderTimeline(events) {
  $('timeline-count').textContent = '(' + events.length + ' events)';
  // newest first
  $('timeline').replaceChildren(...events.slice().reverse().map(e => el('li', {class: 'event-' + e.event},
      el('time', {datetime: e.at}, new Date(e.at).toLocaleTimeString()),
      el('span', {class: 'event'}, e.event), el('span', {class: 'detail'}, e.detail))));
}

$('login').addEventListener('submit', login);
$('logout').addEventListener('click', logout);
$('approve').addEventListener('click', () => ask('approve'));
$('rollback').addEventListener('click', () => ask('rollback'));
$('confirm-yes').addEventListener('click', confirmDecision);
$('confirm-no').addEventListener('click', () => {
  state.pending = null;
  $('confirm').hidden = true;
});
