// Tollgate's dashboard: plain JavaScript over the query API, refreshed every two seconds.
(function () {
  'use strict';
  const REFRESH_MS = 2000;
  const $ = (id) => document.getElementById(id);
  const tokenKey = 'tollgate-token';

  function headers() {
    const token = sessionStorage.getItem(tokenKey) || $('token').value;
    return token ? { Authorization: 'Bearer ' + token } : {};
  }

  async function get(path) {
    const response = await fetch(path, { headers: headers(), cache: 'no-store' });
    if (response.status === 401) {
      $('token-label').hidden = false;
      throw new Error('a token is required');
    }
    const body = await response.json();
    if (!response.ok) {
      throw new Error(response.status + ' ' + (body.error || ''));
    }
    return body;
  }

  function text(value) {
    return value === null || value === undefined ? '–' : String(value);
  }

  function time(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : '–';
  }

  function cell(row, value, numeric) {
    const td = document.createElement('td');
    td.textContent = text(value);
    if (numeric) { td.className = 'num'; }
    row.appendChild(td);
    return td;
  }

  function table(element, headings, rows) {
    element.replaceChildren();
    const head = element.createTHead().insertRow();
    headings.forEach(([title, numeric]) => {
      const th = document.createElement('th');
      th.textContent = title;
      if (numeric) { th.className = 'num'; }
      head.appendChild(th);
    });
    const body = element.createTBody();
    rows.forEach((values) => {
      const row = body.insertRow();
      values.forEach((v, i) => cell(row, v, headings[i][1]));
    });
  }

  function renderCounters(answer) {
    const data = answer.data;
    $('answered').textContent = 'answered by ' + answer.answeredBy + ', partition ' + answer.partition + ', zone ' + data.zone;
    const container = $('counters');
    container.replaceChildren();
    data.counters.forEach((c) => {
      const div = document.createElement('div');
      div.className = 'counter' + (c.binding ? ' binding' : '');
      div.dataset.counter = c.rule + '|' + c.subject;
      const label = document.createElement('div');
      label.className = 'label';
      const name = document.createElement('span');
      name.textContent = c.rule + ' · ' + c.subject + ' ';
      if (c.binding) { const b = document.createElement('span'); b.className = 'badge'; b.textContent = 'binding'; name.appendChild(b); }
      if (c.mode === 'shadow') { const b = document.createElement('span'); b.className = 'badge shadow'; b.textContent = 'shadow'; name.appendChild(b); }
      const figures = document.createElement('span');
      figures.className = 'figures';
      figures.dataset.used = c.used;
      figures.dataset.limit = c.limit;
      figures.textContent = c.used + ' / ' + c.limit + (c.vendorLimit ? ' (vendor)' : '') + ' · resets ' + time(c.resetAt)
          + (c.runsOutAt ? ' · runs out ' + time(c.runsOutAt) : '');
      label.append(name, figures);
      const bar = document.createElement('div');
      bar.className = 'bar';
      const fill = document.createElement('div');
      fill.style.width = Math.min(100, c.limit > 0 ? (100 * c.used) / c.limit : 0) + '%';
      bar.appendChild(fill);
      div.append(label, bar);
      container.appendChild(div);
    });
    if (data.counters.length === 0) { container.textContent = 'No counters yet: this account has made no calls recently.'; }
    const credentials = $('credentials');
    credentials.replaceChildren();
    data.credentials.filter((c) => c.pausedUntil).forEach((c) => {
      const p = document.createElement('p');
      p.textContent = c.subject + ' paused by the vendor until ' + time(c.pausedUntil) + ' (' + c.pauseReason + ')';
      credentials.appendChild(p);
    });
  }

  function renderChart(hours) {
    const svg = $('chart');
    svg.replaceChildren();
    const max = Math.max(1, ...hours);
    hours.forEach((count, hour) => {
      const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      const height = (110 * count) / max;
      rect.setAttribute('x', String(hour * 20 + 2));
      rect.setAttribute('y', String(115 - height));
      rect.setAttribute('width', '16');
      rect.setAttribute('height', String(height));
      rect.dataset.hour = hour;
      rect.dataset.calls = count;
      const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      title.textContent = hour + ':00 – ' + count + ' calls';
      rect.appendChild(title);
      svg.appendChild(rect);
    });
  }

  function renderToday(answers) {
    const [integration, user, entity] = answers;
    $('today-total').textContent = integration.data.calls + ' calls, ' + integration.data.units + ' units · last call '
        + time(integration.data.lastCallAt);
    $('today-total').dataset.calls = integration.data.calls;
    renderChart(integration.data.callsByHour);
    [[integration, 'by-integration'], [user, 'by-user'], [entity, 'by-entity']].forEach(([answer, id]) => {
      table($(id), [['', false], ['calls', true], ['units', true]], answer.data.usage.map((t) => [t.key, t.calls, t.units]));
    });
  }

  function renderQueue(answer) {
    const q = answer.data;
    $('queue-total').textContent = q.waiting + ' calls' + (q.nextWakeAt ? ', next at ' + time(q.nextWakeAt) : '');
    $('queue-total').dataset.waiting = q.waiting;
    table($('queue'), [['integration', false], ['credential', false], ['waiting', true], ['oldest wait', true], ['next wake', false],
      ['held by', false]], q.lanes.map((l) => [l.integration, l.credential, l.waiting, Math.round(l.oldestWaitMs / 1000) + ' s',
      time(l.nextWakeAt), l.heldBy]));
  }

  function renderCalls(answer) {
    table($('calls'), [['time', false], ['integration', false], ['user', false], ['method', false], ['entity', false], ['cost', true],
      ['outcome', false], ['status', true], ['latency ms', true], ['waited for', false]], answer.data.calls.map((c) => [time(c.at),
      c.integration, c.user, c.method, c.entity, c.cost, c.detail ? c.outcome + ' ' + c.detail : c.outcome, c.status, c.latencyMs,
      c.waitedFor]));
  }

  async function refresh() {
    const account = $('account').value;
    if (!account) { return; }
    const base = '/accounts/' + encodeURIComponent(account);
    try {
      const [usage, byIntegration, byUser, byEntity, queue, calls] = await Promise.all([get(base + '/usage'),
        get(base + '/usage/today?by=integration'), get(base + '/usage/today?by=user'), get(base + '/usage/today?by=entity'),
        get(base + '/queue'), get(base + '/calls?limit=50')]);
      renderCounters(usage);
      renderToday([byIntegration, byUser, byEntity]);
      renderQueue(queue);
      renderCalls(calls);
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString();
      $('status').dataset.ok = 'true';
    } catch (e) {
      $('status').textContent = e.message;
      $('status').dataset.ok = 'false';
    }
  }

  async function loadAccounts() {
    try {
      const answer = await get('/accounts');
      const select = $('account');
      const wanted = new URLSearchParams(location.search).get('account');
      select.replaceChildren(...answer.accounts.map((a) => new Option(a.id + (a.policy ? ' (' + a.policy + ')' : ''), a.id)));
      if (wanted) { select.value = wanted; }
      await refresh();
    } catch (e) {
      $('status').textContent = e.message;
      setTimeout(loadAccounts, REFRESH_MS);
    }
  }

  $('token').addEventListener('change', () => { sessionStorage.setItem(tokenKey, $('token').value); loadAccounts(); });
  $('account').addEventListener('change', refresh);
  setInterval(refresh, REFRESH_MS);
  loadAccounts();
}());
