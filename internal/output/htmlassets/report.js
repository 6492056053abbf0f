// orgaudit report script: sorting, filtering and the graph's side panel.
// It reads the JSON blocks the page carries and builds elements with
// textContent only, so nothing from a snapshot is ever parsed as markup.
(function () {
  'use strict';
  var PAGE = 500;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var sevRank = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

  // Controls are numbered 1.2, 1.10: compare them part by part.
  function compareControl(a, b) {
    var pa = a.split('.'), pb = b.split('.');
    for (var i = 0; i < Math.max(pa.length, pb.length); i++) {
      var x = pa[i] || '', y = pb[i] || '';
      var nx = parseInt(x, 10), ny = parseInt(y, 10);
      if (!isNaN(nx) && !isNaN(ny) && nx !== ny) { return nx - ny; }
      if (x !== y) { return x < y ? -1 : 1; }
    }
    return 0;
  }

  // Sortable server-rendered tables: a click on a heading with data-sort.
  function sortableTables() {
    $all('table.sortable').forEach(function (table) {
      $all('th[data-sort]', table).forEach(function (th) {
        th.addEventListener('click', function () {
          var col = Array.prototype.indexOf.call(th.parentNode.children, th);
          var kind = th.getAttribute('data-sort');
          var asc = th.getAttribute('aria-sort') !== 'ascending';
          $all('th', table).forEach(function (h) { h.removeAttribute('aria-sort'); });
          th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var key = function (r) { return (r.cells[col] ? r.cells[col].textContent : '').trim(); };
          rows.sort(function (a, b) {
            var x = key(a), y = key(b), c;
            if (kind === 'num') { c = (parseFloat(x) || 0) - (parseFloat(y) || 0); }
            else if (kind === 'severity') { c = (sevRank[x] || 0) - (sevRank[y] || 0); }
            else if (kind === 'control') { c = compareControl(x, y); }
            else { c = x.localeCompare(y); }
            return asc ? c : -c;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
    });
  }

  // Findings: the tables are built from the JSON block, filtered by the
  // form and sorted by the headings.
  function findings() {
    var data = readJSON('findings-data');
    if (!data) { return; }
    var F = { SEV: 0, RULE: 1, ACCT: 2, RES: 3, MSG: 4, STATE: 5, KEY: 6, FP: 7, EVID: 8, SUPP: 9 };
    var rows = data.findings;
    // A finding on the holder of a policy (a group, a customer managed
    // policy) names in its evidence what holds the statement and the
    // principals it concerns: shown in its details, found by the filter.
    function evidenceList(f, key) {
      var v = f[F.EVID] ? f[F.EVID][key] : null;
      return Array.isArray(v) ? v.filter(function (x) { return typeof x === 'string'; }) : [];
    }
    function holder(f) {
      var h = f[F.EVID] ? f[F.EVID].holder : null;
      return typeof h === 'string' ? h : '';
    }
    var hay = new Array(rows.length);
    function haystack(i) {
      if (hay[i] === undefined) {
        var f = rows[i], rule = data.rules[f[F.RULE]], acct = data.accounts[f[F.ACCT]];
        hay[i] = [rule[0], rule[1], acct[0], acct[1], f[F.RES], f[F.MSG], f[F.KEY], holder(f)]
          .concat(evidenceList(f, 'principals'), evidenceList(f, 'attached_to')).join('\n').toLowerCase();
      }
      return hay[i];
    }
    var form = $('#filters');
    var state = { sevs: {}, rule: '', account: '', text: '', sortKey: '', sortAsc: true };
    var tables = $all('table.findings').map(function (t) {
      return { el: t, states: t.getAttribute('data-states').split(',').map(Number), limit: PAGE, open: {} };
    });

    function readForm() {
      state.sevs = {};
      $all('input[name=severity]', form).forEach(function (c) { if (c.checked) { state.sevs[c.value] = true; } });
      state.rule = $('#f-rule').value;
      state.account = $('#f-account').value;
      state.text = $('#f-text').value.trim().toLowerCase();
    }
    function matches(i) {
      var f = rows[i];
      if (!state.sevs[data.severities[f[F.SEV]]]) { return false; }
      if (state.rule && data.rules[f[F.RULE]][0] !== state.rule) { return false; }
      if (state.account && data.accounts[f[F.ACCT]][0] !== state.account) { return false; }
      if (state.text) {
        var words = state.text.split(/\s+/), h = haystack(i);
        for (var w = 0; w < words.length; w++) { if (h.indexOf(words[w]) < 0) { return false; } }
      }
      return true;
    }
    function sortValue(i, key) {
      var f = rows[i];
      switch (key) {
        case 'severity': return f[F.SEV];
        case 'rule': return data.rules[f[F.RULE]][0];
        case 'account': return data.accounts[f[F.ACCT]][1];
        case 'resource': return f[F.RES];
        default: return f[F.MSG];
      }
    }
    function ordered(list) {
      if (!state.sortKey) { return list; }
      var k = state.sortKey, dir = state.sortAsc ? 1 : -1;
      return list.slice().sort(function (a, b) {
        var x = sortValue(a, k), y = sortValue(b, k);
        var c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
        return (c || a - b) * dir;
      });
    }

    function detailRow(i) {
      var f = rows[i], rule = data.rules[f[F.RULE]];
      var tr = el('tr', 'detail'), td = el('td');
      td.colSpan = 5;
      td.appendChild(el('h4', null, rule[0] + ': ' + rule[1]));
      td.appendChild(el('p', null, f[F.MSG]));
      var dl = el('dl', 'facts');
      var h = holder(f);
      var facts = [['Account', data.accounts[f[F.ACCT]][1]], [h === f[F.RES] ? 'Holder (edit it)' : 'Resource', f[F.RES]]];
      if (h && h !== f[F.RES]) { facts.push(['Holder (edit it)', h]); }
      facts.push(['Key', f[F.KEY]], ['Fingerprint', f[F.FP]]);
      facts.forEach(function (p) {
        if (!p[1]) { return; }
        var d = el('div');
        d.appendChild(el('dt', null, p[0]));
        var dd = el('dd');
        dd.appendChild(el('code', null, p[1]));
        d.appendChild(dd);
        dl.appendChild(d);
      });
      td.appendChild(dl);
      [['principals', 'Principals'], ['attached_to', 'Attached to']].forEach(function (l) {
        var names = evidenceList(f, l[0]);
        if (!names.length) { return; }
        td.appendChild(el('h4', null, l[1] + ' (' + names.length + ')'));
        var ul = el('ul', 'names ev-' + l[0]);
        names.forEach(function (n) { var li = el('li'); li.appendChild(el('code', null, n)); ul.appendChild(li); });
        td.appendChild(ul);
      });
      if (f[F.SUPP]) {
        var s = f[F.SUPP];
        td.appendChild(el('h4', null, 'Accepted by an exception'));
        td.appendChild(el('p', null, s[0] + (s[1] ? ' (owner ' + s[1] + ')' : '') + (s[2] ? ', expires ' + s[2] : '') + (s[3] ? ', ' + s[3] : '')));
      }
      if (f[F.EVID]) {
        td.appendChild(el('h4', null, 'Evidence'));
        td.appendChild(el('pre', null, JSON.stringify(f[F.EVID], null, 2)));
      }
      var ref = document.getElementById('rule-' + rule[0]);
      var rem = ref ? $('.remediation', ref) : null;
      if (rem) {
        td.appendChild(el('h4', null, 'Remediation'));
        td.appendChild(el('pre', 'remediation', rem.textContent));
        var a = el('a', null, 'About ' + rule[0]);
        a.href = '#rule-' + rule[0];
        td.appendChild(a);
      }
      tr.appendChild(td);
      return tr;
    }

    function renderTable(t) {
      var list = [];
      var total = 0;
      for (var i = 0; i < rows.length; i++) {
        if (t.states.indexOf(rows[i][F.STATE]) < 0) { continue; }
        total++;
        if (matches(i)) { list.push(i); }
      }
      list = ordered(list);
      var body = t.el.tBodies[0];
      var frag = document.createDocumentFragment();
      var shown = Math.min(list.length, t.limit);
      for (var n = 0; n < shown; n++) {
        var idx = list[n], f = rows[idx], rule = data.rules[f[F.RULE]], sev = data.severities[f[F.SEV]];
        var tr = el('tr', 'row');
        tr.setAttribute('data-i', idx);
        tr.setAttribute('data-rule', rule[0]);
        tr.setAttribute('data-severity', sev);
        tr.setAttribute('data-account', data.accounts[f[F.ACCT]][0]);
        var c0 = el('td');
        c0.appendChild(el('span', 'sev sev-' + sev, sev));
        tr.appendChild(c0);
        var c1 = el('td', null, rule[0]);
        c1.title = rule[1];
        tr.appendChild(c1);
        tr.appendChild(el('td', null, data.accounts[f[F.ACCT]][1]));
        tr.appendChild(el('td', 'res', f[F.RES]));
        var c4 = el('td', null, f[F.MSG]);
        if (f[F.STATE] === 1) { c4.appendChild(el('span', 'badge', 'new')); }
        if (f[F.STATE] === 2) { c4.appendChild(el('span', 'badge existing', 'in the baseline')); }
        if (f[F.SUPP]) {
          var sp = f[F.SUPP];
          c4.appendChild(el('div', 'why', 'Accepted: ' + sp[0] + (sp[1] ? ' (owner ' + sp[1] + ')' : '') + (sp[2] ? ', until ' + sp[2] : '')));
        }
        tr.appendChild(c4);
        frag.appendChild(tr);
        if (t.open[idx]) { tr.classList.add('open'); frag.appendChild(detailRow(idx)); }
      }
      body.textContent = '';
      if (!list.length) {
        var empty = el('tr'), td = el('td', 'empty', total ? 'No finding matches the filters.' : 'None.');
        td.colSpan = 5;
        empty.appendChild(td);
        frag.appendChild(empty);
      }
      body.appendChild(frag);
      var count = $('[data-count-for="' + t.el.id + '"]');
      if (count) {
        count.textContent = list.length === total ? '(' + total + ')' : '(' + list.length + ' of ' + total + ' match the filters)';
      }
      var more = $('[data-more-for="' + t.el.id + '"]');
      if (more) {
        more.textContent = '';
        if (list.length > shown) {
          more.appendChild(el('span', null, 'Showing ' + shown + ' of ' + list.length + '. '));
          var b1 = el('button', null, 'Show ' + Math.min(PAGE, list.length - shown) + ' more');
          b1.type = 'button';
          b1.addEventListener('click', function () { t.limit += PAGE; renderTable(t); });
          var b2 = el('button', null, 'Show all ' + list.length);
          b2.type = 'button';
          b2.addEventListener('click', function () { t.limit = Infinity; renderTable(t); });
          more.appendChild(b1);
          more.appendChild(b2);
        }
      }
    }
    function renderAll() {
      readForm();
      tables.forEach(function (t) { t.limit = Math.max(t.limit, PAGE); renderTable(t); });
    }

    tables.forEach(function (t) {
      t.el.tBodies[0].addEventListener('click', function (ev) {
        var tr = ev.target.closest('tr.row');
        if (!tr || ev.target.closest('a')) { return; }
        var idx = Number(tr.getAttribute('data-i'));
        if (t.open[idx]) { delete t.open[idx]; } else { t.open[idx] = true; }
        renderTable(t);
      });
      $all('th[data-key]', t.el).forEach(function (th) {
        th.addEventListener('click', function () {
          var key = th.getAttribute('data-key');
          state.sortAsc = state.sortKey === key ? !state.sortAsc : key !== 'severity';
          state.sortKey = key;
          $all('table.findings th[data-key]').forEach(function (h) {
            h.removeAttribute('aria-sort');
            if (h.getAttribute('data-key') === key) { h.setAttribute('aria-sort', state.sortAsc ? 'ascending' : 'descending'); }
          });
          tables.forEach(renderTable);
        });
      });
    });

    var timer = null;
    form.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(renderAll, 120);
    });
    form.addEventListener('change', renderAll);
    form.addEventListener('submit', function (ev) { ev.preventDefault(); });
    form.addEventListener('reset', function () { setTimeout(renderAll, 0); });

    function show() { document.getElementById('findings').scrollIntoView(); }
    $all('[data-filter-severity]').forEach(function (b) {
      b.addEventListener('click', function () {
        var sev = b.getAttribute('data-filter-severity');
        $all('input[name=severity]', form).forEach(function (c) { c.checked = c.value === sev; });
        renderAll();
        show();
      });
    });
    $all('[data-filter-rule]').forEach(function (b) {
      b.addEventListener('click', function () { $('#f-rule').value = b.getAttribute('data-filter-rule'); renderAll(); show(); });
    });
    $all('[data-filter-account]').forEach(function (b) {
      b.addEventListener('click', function () { $('#f-account').value = b.getAttribute('data-filter-account'); renderAll(); show(); });
    });
    window.addEventListener('beforeprint', function () {
      tables.forEach(function (t) { if (t.limit < 2000) { t.limit = 2000; renderTable(t); } });
    });
    renderAll();
  }

  // The access graph: a click on a node or an edge shows its details in
  // the side panel and highlights its neighbourhood.
  function graph() {
    var data = readJSON('graph-data');
    var svg = $('svg.graph');
    if (!data || !svg) { return; }
    var panel = $('#graph-panel');
    var initial = panel ? Array.prototype.slice.call(panel.childNodes).map(function (n) { return n.cloneNode(true); }) : [];

    function fill(title, facts, lists) {
      panel.textContent = '';
      panel.appendChild(el('h3', null, title));
      var dl = el('dl');
      facts.forEach(function (p) {
        dl.appendChild(el('dt', null, p[0]));
        dl.appendChild(el('dd', null, p[1]));
      });
      panel.appendChild(dl);
      (lists || []).forEach(function (l) {
        if (!l[1] || !l[1].length) { return; }
        panel.appendChild(el('h4', null, l[0]));
        var ul = el('ul');
        l[1].forEach(function (s) { ul.appendChild(el('li', null, s)); });
        panel.appendChild(ul);
      });
    }
    function clear() {
      $all('.sel, .dim', svg).forEach(function (e) { e.classList.remove('sel'); e.classList.remove('dim'); });
    }
    function select(kind, i) {
      clear();
      var keep = {};
      if (kind === 'n') {
        var n = data.nodes[i];
        fill(n.title, n.facts, n.lists);
        keep['n' + i] = true;
        data.edges.forEach(function (e, j) {
          if (e.from === i || e.to === i) { keep['e' + j] = true; keep['n' + e.from] = true; keep['n' + e.to] = true; }
        });
      } else {
        var e = data.edges[i];
        fill(e.title, e.facts, e.lists);
        keep['e' + i] = true;
        keep['n' + e.from] = true;
        keep['n' + e.to] = true;
      }
      $all('[data-n], [data-e]', svg).forEach(function (g) {
        var id = g.hasAttribute('data-n') ? 'n' + g.getAttribute('data-n') : 'e' + g.getAttribute('data-e');
        if (!keep[id]) { g.classList.add('dim'); }
      });
      var self = $('[data-' + kind + '="' + i + '"]', svg);
      if (self) { self.classList.add('sel'); }
    }
    svg.addEventListener('click', function (ev) {
      var g = ev.target.closest('[data-n], [data-e]');
      if (!g) {
        clear();
        if (panel) { panel.textContent = ''; initial.forEach(function (n) { panel.appendChild(n.cloneNode(true)); }); }
        return;
      }
      if (g.hasAttribute('data-n')) { select('n', Number(g.getAttribute('data-n'))); } else { select('e', Number(g.getAttribute('data-e'))); }
    });
    $all('[data-select-node]').forEach(function (a) {
      a.addEventListener('click', function (ev) {
        ev.preventDefault();
        var i = Number(a.getAttribute('data-select-node'));
        select('n', i);
        var g = $('[data-n="' + i + '"]', svg);
        if (g && g.scrollIntoView) { g.scrollIntoView({ block: 'center', inline: 'center' }); }
      });
    });
    // Zoom: the drawing keeps its viewBox; width and height scale.
    var w0 = Number(svg.getAttribute('width')), h0 = Number(svg.getAttribute('height')), scale = 1;
    function zoom(s) {
      scale = s;
      svg.setAttribute('width', String(Math.round(w0 * scale)));
      svg.setAttribute('height', String(Math.round(h0 * scale)));
    }
    var box = $('.graph-box');
    $all('[data-zoom]').forEach(function (b) {
      b.addEventListener('click', function () {
        var z = b.getAttribute('data-zoom');
        if (z === 'in') { zoom(scale * 1.25); }
        else if (z === 'out') { zoom(scale / 1.25); }
        else if (z === 'fit' && box) { zoom(Math.min(1, (box.clientWidth - 4) / w0)); }
        else { zoom(1); }
      });
    });
    // A drawing wider than its box starts fitted to the width (not below
    // half its size: the text must stay readable).
    if (box && w0 > box.clientWidth) { zoom(Math.max(0.5, (box.clientWidth - 4) / w0)); }
  }

  window.addEventListener('beforeprint', function () {
    $all('details').forEach(function (d) { d.open = true; });
  });
  sortableTables();
  findings();
  graph();
  // When the page was ready, for benchmarks (ms since navigation).
  document.documentElement.setAttribute('data-ready-ms', String(Math.max(1, Math.round(performance.now()))));
}());
