// SPDX-License-Identifier: MIT
/*
 * The HTML report's script (src/report-html.c embeds it): builds the page
 * from the JSON document in <script id="iorep-data"> (the --json document,
 * docs/iommu-report.schema.json).
 *
 *   banner    lost events, a cut-short input, suspected findings
 *   cards     devices, groups, maps, unmaps, bytes, findings by severity, ...
 *   timeline  the live mappings over time (mappings.timeline, schema 1.1),
 *             and one lane per device with its domain epochs
 *   findings  a sortable, filterable table; a fault's row opens the
 *             history of its IOVA (findings[].history, schema 1.1), and a
 *             row with a stack trace its frames (findings[].stack, 1.4)
 *
 * Strings of the trace only ever reach the page as text (textContent,
 * createTextNode, setAttribute of title): no innerHTML anywhere.  Members
 * that older documents lack are optional.  When everything is built the
 * body gets data-ready="1" (tests wait for it) and data-build-ms, the time
 * building took.
 */
(function () {
	'use strict';

	const SVGNS = 'http://www.w3.org/2000/svg';
	const MAX_LANES = 2000; /* device lanes drawn */
	const EXACT_EPOCHS = 400; /* epochs of one lane drawn one by one; more: per pixel */
	const MAX_TICKS = 400; /* finding ticks on one lane */
	const MAX_ROWS = 5000; /* findings rows drawn before "show more" */
	const W = 1000; /* width of the plots' viewBox */

	/* The graph's legend colours (src/report-graph.c). */
	const KINDS = {
		dma: { colour: '#4e79a7', label: 'DMA (the kernel\u2019s default domain)' },
		identity: { colour: '#59a14f', label: 'identity (passthrough)' },
		user: { colour: '#f28e2b', label: 'user (VFIO, iommu_attach_device)' },
		blocked: { colour: '#e15759', label: 'blocked (transitional)' },
		pool: { colour: '#bab0ac', label: 'pool (unattributed mappings)' },
	};
	const UNKNOWN_KIND = { colour: '#d9d9d9', label: 'unknown domain' };
	const SEVERITIES = ['error', 'warning', 'info'];
	const SEV_RANK = { error: 3, warning: 2, info: 1 };

	/* ------------------------------------------------------------------ */
	/* DOM helpers: text is always text */

	function append(e, kid) {
		if (kid === null || kid === undefined || kid === false)
			return;
		if (Array.isArray(kid))
			kid.forEach((k) => append(e, k));
		else if (typeof kid === 'object')
			e.appendChild(kid);
		else
			e.appendChild(document.createTextNode(String(kid)));
	}

	function setAttrs(e, attrs) {
		if (!attrs)
			return;
		for (const k of Object.keys(attrs)) {
			const v = attrs[k];

			if (v !== null && v !== undefined && v !== false)
				e.setAttribute(k, String(v));
		}
	}

	function h(tag, attrs, ...kids) {
		const e = document.createElement(tag);

		setAttrs(e, attrs);
		append(e, kids);
		return e;
	}

	function s(tag, attrs, ...kids) {
		const e = document.createElementNS(SVGNS, tag);

		setAttrs(e, attrs);
		append(e, kids);
		return e;
	}

	function byId(id) {
		return document.getElementById(id);
	}

	function arr(x) {
		return Array.isArray(x) ? x : [];
	}

	function num(x) {
		return typeof x === 'number' && isFinite(x) ? x : null;
	}

	/* ------------------------------------------------------------------ */
	/* Formatting */

	function fmtInt(n) {
		return num(n) === null ? '\u2013' : n.toLocaleString('en-US');
	}

	function fmtBytes(n) {
		const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
		let v = num(n), i = 0;

		if (v === null)
			return '\u2013';
		while (v >= 1024 && i < units.length - 1) {
			v /= 1024;
			i++;
		}
		if (i && !Number.isInteger(v))
			return (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[i];
		return v + ' ' + units[i];
	}

	/* Nanoseconds as seconds with 6 decimals, cut like the text report. */
	function fmtTs(ns) {
		if (num(ns) === null)
			return '\u2013';
		const sec = Math.floor(ns / 1e9);
		const us = Math.floor((ns - sec * 1e9) / 1e3);

		return sec + '.' + String(Math.min(us, 999999)).padStart(6, '0');
	}

	function fmtDur(ns) {
		if (num(ns) === null)
			return '\u2013';
		if (ns >= 1e9)
			return (ns / 1e9).toFixed(3) + ' s';
		if (ns >= 1e6)
			return (ns / 1e6).toFixed(3) + ' ms';
		if (ns >= 1e3)
			return (ns / 1e3).toFixed(1) + ' \u00b5s';
		return ns + ' ns';
	}

	/* A duration in at most 4 digits, for a card. */
	function fmtSpan(ns) {
		const units = [[1e9, 's'], [1e6, 'ms'], [1e3, '\u00b5s'], [1, 'ns']];

		for (const [div, unit] of units) {
			if (ns >= div || div === 1) {
				const v = ns / div;

				return (v >= 100 || div === 1 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) :
					v.toFixed(2)) + ' ' + unit;
			}
		}
		return String(ns);
	}

	function kindOf(k) {
		return Object.prototype.hasOwnProperty.call(KINDS, k) ? KINDS[k] : UNKNOWN_KIND;
	}

	/* ------------------------------------------------------------------ */
	/* The model as the page uses it */

	function load() {
		const doc = JSON.parse(byId('iorep-data').textContent);
		const span = doc.span || {};
		const first = num(span.first_ts !== undefined ? span.first_ts : span.first);
		const last = num(span.last_ts !== undefined ? span.last_ts : span.last);
		const ctx = {
			doc: doc,
			devices: arr(doc.devices),
			groups: arr(doc.groups),
			domains: arr(doc.domains),
			findings: arr(doc.findings),
			mappings: doc.mappings || {},
			summary: doc.summary || {},
			first: first,
			last: last,
			dur: first !== null && last !== null ? Math.max(last - first, 1) : null,
			devIndex: new Map(),
			lanes: new Map(), /* device index -> lane element */
			markerLayers: [],
			lanesBox: null,
			table: null,
		};

		ctx.devices.forEach((d, i) => {
			if (d && typeof d.name === 'string' && !ctx.devIndex.has(d.name))
				ctx.devIndex.set(d.name, i);
		});
		ctx.groupById = new Map();
		ctx.groups.forEach((g) => ctx.groupById.set(g.id, g));
		return ctx;
	}

	/* Position of @t in the span: 0..1 */
	function frac(ctx, t) {
		const f = (t - ctx.first) / ctx.dur;

		return f < 0 ? 0 : f > 1 ? 1 : f;
	}

	function domainLabel(ctx, idx, kind) {
		const d = num(idx) !== null ? ctx.domains[idx] : null;
		const k = kind || (d && d.kind);
		let text = (k || 'unknown') + ' domain' + (num(idx) !== null ? ' #' + idx : '');

		if (d && d.kind === 'user' && (d.owner_comm || num(d.owner_pid) !== null))
			text += ' of ' + (d.owner_comm || '?') + (num(d.owner_pid) !== null ?
				' (pid ' + d.owner_pid + ')' : '');
		if (d && num(d.group) !== null)
			text += ', group ' + d.group;
		return text;
	}

	/* ------------------------------------------------------------------ */
	/* Header, banner, cards */

	function header(ctx) {
		const input = ctx.doc.input || {};
		const line = byId('input-line');
		const bits = [];

		if (input.format)
			bits.push(input.format + (input.variant ? ' (' + input.variant + ')' : ''));
		if (input.kernel)
			bits.push('kernel ' + input.kernel);
		if (input.machine)
			bits.push(input.machine);
		/* --dmesg: the log whose faults joined the trace */
		if (input.kernel_log && typeof input.kernel_log.path === 'string')
			bits.push('log ' + input.kernel_log.path + ' (' + num(input.kernel_log.faults) +
				  ' fault' + (num(input.kernel_log.faults) === 1 ? '' : 's') + ')');
		if (ctx.first !== null)
			bits.push(fmtTs(ctx.first) + ' \u2013 ' + fmtTs(ctx.last) + ' s');
		if (bits.length)
			append(line, h('span', { class: 'meta' }, ' \u00b7 ' + bits.join(' \u00b7 ')));
	}

	/* " (lines 21, 37 and 2 more)": the first bad lines, as the text report names them */
	function badLineNumbers(input) {
		const nrs = (Array.isArray(input.bad_line_numbers) ? input.bad_line_numbers : [])
			.filter((n) => num(n) !== null);
		let t;

		if (!nrs.length)
			return '';
		t = ' (line' + (input.bad_lines === 1 ? ' ' : 's ') + nrs.map(fmtInt).join(', ');
		if (input.bad_lines > nrs.length)
			t += ' and ' + fmtInt(input.bad_lines - nrs.length) + ' more';
		return t + ')';
	}

	function banner(ctx) {
		const lost = ctx.doc.lost_events || {};
		const input = ctx.doc.input || {};
		const sum = ctx.summary;
		const el = byId('banner');
		const lines = [];

		const drops = num(lost.total) > 0 || num(lost.unknown_drops) > 0;

		if (drops || (lost.any && !(num(input.bad_lines) > 0) && !input.truncated &&
			      !(num(input.damaged) > 0))) {
			let t = '\u26a0 ' + fmtInt(lost.total || 0) + ' events were lost by the ring buffer';

			if (num(lost.unknown_drops) > 0)
				t += ', and ' + fmtInt(lost.unknown_drops) + ' drops of unknown size';
			if (num(lost.complete_from) !== null && num(lost.complete_cpu) !== null &&
			    lost.complete_cpu < 0)
				lines.push(t + ': the oldest, overwritten. The trace is whole from its ' +
					'first event.');
			else if (num(lost.complete_from) !== null)
				lines.push(t + ': each CPU\'s oldest, overwritten. The trace holds every ' +
					'CPU\'s events from ' + fmtTs(lost.complete_from) + ' s on (CPU ' +
					lost.complete_cpu + '\'s first); findings before then, or resting ' +
					'on an earlier event, are only suspected, and those a lost event ' +
					'could explain are info.');
			else
				lines.push(t + ': the trace is incomplete after a loss.');
		}
		if (num(input.bad_lines) > 0) {
			/* lost_events.any without a drop: events were lost with lines not understood */
			lines.push('\u26a0 ' + fmtInt(input.bad_lines) + ' line' +
				(input.bad_lines === 1 ? ' of the input was' : 's of the input were') +
				' not understood' + badLineNumbers(input) + (lost.any && !drops ?
				': iommu/dma events were lost with them, the trace is incomplete after ' +
				'the first.' : '.'));
		}
		if (num(input.damaged) > 0) {
			lines.push('\u26a0 Damaged data was skipped ' + fmtInt(input.damaged) +
				(input.damaged === 1 ? ' time' : ' times') + ', the first at ' +
				(input.pos_unit || 'position') + ' ' + fmtInt(input.damaged_at) +
				': the events there are lost, every finding is only suspected.');
		}
		if (input.truncated) {
			lines.push('\u26a0 The input was cut short' + (num(input.truncated_at) !== null ?
				' at ' + (input.pos_unit || 'position') + ' ' + fmtInt(input.truncated_at) :
				'') + ': events after the cut are missing.');
		}
		if (num(input.instances_unread) > 0) {
			const names = Array.isArray(input.instance_names) ? input.instance_names : [];

			lines.push('\u26a0 ' + fmtInt(input.instances_unread) + ' instance buffer' +
				(input.instances_unread === 1 ? ' was' : 's were') + ' not read' +
				(names.length ? ' (' + names.join(', ') + ')' : '') +
				': their events are not in this report; trace-cmd report of the ' +
				'file, given as text, has them.');
		}
		if (num(sum.suspected) > 0)
			lines.push('\u26a0 ' + fmtInt(sum.suspected) + ' of ' + fmtInt(sum.total) +
				' findings are only suspected.');
		if (!lines.length)
			return;
		lines.forEach((l) => append(el, h('p', null, l)));
		el.hidden = false;
	}

	function card(id, value, display, label, cls, title) {
		return h('div', { class: 'card' + (cls ? ' ' + cls : '') + (value === 0 ? ' zero' : ''),
				  title: title },
			 h('span', { class: 'value', id: 'count-' + id, 'data-value': value }, display),
			 h('span', { class: 'label' }, label));
	}

	function cards(ctx) {
		const m = ctx.mappings, sum = ctx.summary, lost = ctx.doc.lost_events || {};
		const total = num(sum.total) !== null ? sum.total : ctx.findings.length;
		const sev = {};
		const box = byId('cards');
		let events = 0;

		for (const k of SEVERITIES)
			sev[k] = num(sum[k]) !== null ? sum[k] :
				ctx.findings.filter((f) => f.severity === k).length;
		for (const k of Object.keys(ctx.doc.events || {}))
			events += num(ctx.doc.events[k]) || 0;

		const c = [
			card('devices', ctx.devices.length, fmtInt(ctx.devices.length), 'devices'),
			card('groups', ctx.groups.length, fmtInt(ctx.groups.length), 'IOMMU groups'),
			card('maps', m.maps || 0, fmtInt(m.maps || 0), 'maps'),
			card('unmaps', m.unmaps || 0, fmtInt(m.unmaps || 0), 'unmaps'),
			card('bytes', m.bytes_mapped || 0, fmtBytes(m.bytes_mapped || 0), 'bytes mapped',
			     null, fmtInt(m.bytes_mapped || 0) + ' bytes'),
			card('live', m.live_at_end || 0, fmtInt(m.live_at_end || 0), 'live at the end',
			     null, fmtBytes(m.live_bytes_at_end || 0) + ' still mapped'),
			card('findings', total, fmtInt(total), 'findings'),
			card('error', sev.error, fmtInt(sev.error), 'errors', 'error'),
			card('warning', sev.warning, fmtInt(sev.warning), 'warnings', 'warning'),
			card('info', sev.info, fmtInt(sev.info), 'info', 'info'),
			card('suspected', sum.suspected || 0, fmtInt(sum.suspected || 0), 'suspected',
			     sum.suspected ? 'alert' : null,
			     'findings made after lost events or on a cut-short input'),
			card('lost', lost.total || 0, fmtInt(lost.total || 0), 'lost events',
			     lost.total || lost.any ? 'alert' : null),
			card('events', events, fmtInt(events), 'events'),
			card('span', ctx.dur !== null ? ctx.last - ctx.first : 0,
			     ctx.dur !== null ? fmtSpan(ctx.last - ctx.first) : '\u2013', 'time span',
			     null, ctx.dur !== null ? fmtDur(ctx.last - ctx.first) : null),
		];
		append(box, c);

		const chips = byId('by-type');
		const byType = sum.by_type || {};

		for (const t of Object.keys(byType)) {
			const b = h('button', { class: 'chip', type: 'button',
						title: 'show only ' + t + ' findings' },
				    t + ' ', h('b', null, fmtInt(byType[t])));

			b.addEventListener('click', () => filterFindings(ctx, t));
			chips.appendChild(b);
		}
	}

	/* ------------------------------------------------------------------ */
	/* Timeline */

	function legend() {
		const box = h('div', { class: 'legend' });

		for (const k of Object.keys(KINDS)) {
			const sw = h('span', { class: 'swatch' });

			sw.style.background = KINDS[k].colour;
			append(box, h('span', null, sw, KINDS[k].label));
		}
		const none = h('span', { class: 'swatch' });
		const tick = h('span', { class: 'swatch' });

		none.style.background = '#fff';
		tick.style.background = '#1d232a';
		append(box, [h('span', null, none, 'not present'), h('span', null, tick, 'finding')]);
		return box;
	}

	function markerLayer(ctx) {
		const layer = h('div', { class: 'marker-layer' });

		ctx.markerLayers.push(layer);
		return layer;
	}

	function setMarker(ctx, ts, text) {
		ctx.markerLayers.forEach((layer, i) => {
			const m = h('div', { class: 'marker', 'data-ts': ts });

			layer.textContent = '';
			m.style.left = (frac(ctx, ts) * 100).toFixed(3) + '%';
			if (i === 0)
				append(m, h('span', null, text));
			layer.appendChild(m);
		});
	}

	function niceStep(raw) {
		const p = Math.pow(10, Math.floor(Math.log10(raw)));
		const m = raw / p;

		return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
	}

	function axisRow(ctx) {
		const plot = h('div', { class: 'plot' });
		const step = niceStep(ctx.dur / 8); /* ns */
		const decimals = Math.max(0, Math.min(9, -Math.floor(Math.log10(step / 1e9))));
		let t = Math.ceil(ctx.first / step) * step;

		for (; t <= ctx.last; t += step) {
			const f = frac(ctx, t);
			const tick = h('span', { class: f > 0.94 ? 'tick end' : 'tick' },
				       (t / 1e9).toFixed(decimals));

			/* a label near the right end hangs to the left of its tick */
			if (f > 0.94)
				tick.style.right = ((1 - f) * 100).toFixed(3) + '%';
			else
				tick.style.left = (f * 100).toFixed(3) + '%';
			plot.appendChild(tick);
		}
		return h('div', { class: 'row axis' }, h('div', { class: 'label note' }, 'time (s)'),
			 plot);
	}

	/*
	 * One chart of the live-mapping series: the peak within each bucket as
	 * a light area, the live value at the bucket's end as a line.
	 */
	function chartRow(ctx, tl, key, peakKey, title, fmt, peak, atEnd) {
		const pts = arr(tl.points).filter((p) => p && num(p.t) !== null);
		const bucket = num(tl.bucket_ns) || 0;
		const H = 60;
		let max = 0;

		for (const p of pts)
			max = Math.max(max, num(p[peakKey]) || 0, num(p[key]) || 0);
		if (!max)
			max = 1;
		const y = (v) => (H - (Math.max(0, num(v) || 0) / max) * (H - 4)).toFixed(2);
		const x = (t) => (frac(ctx, t) * W).toFixed(2);
		const area = [], line = [], hover = [];

		pts.forEach((p, i) => {
			/* the last value holds to the end of the trace */
			const next = i + 1 < pts.length ? pts[i + 1].t : Math.max(p.t + bucket, ctx.last);
			const bEnd = bucket ? Math.min(p.t + bucket, next) : next;
			const pk = num(p[peakKey]) !== null ? p[peakKey] : p[key];

			area.push(x(p.t) + ',' + y(pk), x(bEnd) + ',' + y(pk));
			if (bEnd < next)
				area.push(x(bEnd) + ',' + y(p[key]), x(next) + ',' + y(p[key]));
			line.push(x(p.t) + ',' + y(p[key]), x(next) + ',' + y(p[key]));
			hover.push(s('rect', { x: x(p.t), y: 0, height: H, fill: 'transparent',
					       width: Math.max(0.5, x(next) - x(p.t)).toFixed(2) },
				     s('title', null, fmtTs(p.t) + ' s: ' + title + ' ' + fmt(p[key]) +
				       (num(p[peakKey]) !== null ? ', peak ' + fmt(p[peakKey]) : '') +
				       (num(p.maps) !== null ? '; ' + fmtInt(p.maps) + ' maps, ' +
					fmtInt(p.unmaps) + ' unmaps' : ''))));
		});
		const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none',
				       role: 'img', 'aria-label': title + ' over time' });
		if (pts.length) {
			area.unshift(x(pts[0].t) + ',' + H);
			area.push(area[area.length - 1].split(',')[0] + ',' + H);
			append(svg, [
				s('polygon', { points: area.join(' '), fill: '#4e79a7', 'fill-opacity': 0.25 }),
				s('polyline', { points: line.join(' '), fill: 'none', stroke: '#2b4f75',
						'stroke-width': 1.5, 'vector-effect': 'non-scaling-stroke' }),
				hover,
			]);
		}
		const label = h('div', { class: 'label' }, h('b', null, title), h('br'),
				'peak ' + fmt(peak) + ' \u00b7 at end ' + fmt(atEnd));

		return h('div', { class: 'row chart', 'data-series': key }, label,
			 h('div', { class: 'plot' }, svg));
	}

	/* Rectangles of one lane: each epoch, or per pixel column when there are many. */
	function laneRects(ctx, epochs) {
		const out = [];
		const end = (e) => (num(e.end) !== null ? e.end : ctx.last);

		if (epochs.length <= EXACT_EPOCHS) {
			for (const e of epochs) {
				const x0 = frac(ctx, e.start) * W, x1 = frac(ctx, end(e)) * W;

				out.push({ x: x0, w: Math.max(x1 - x0, 0.8), kind: e.kind, epoch: e });
			}
			return out;
		}
		/* the kind that covers most of each pixel column */
		const kinds = Object.keys(KINDS).concat(['?']);
		const K = kinds.length;
		const acc = new Float64Array(W * K);
		const colNs = ctx.dur / W;

		for (const e of epochs) {
			let k = kinds.indexOf(e.kind);

			if (k < 0)
				k = K - 1;
			const a = frac(ctx, e.start) * W, b = frac(ctx, end(e)) * W;
			const c0 = Math.min(W - 1, Math.floor(a)), c1 = Math.min(W - 1, Math.floor(b));

			if (c0 === c1) {
				acc[c0 * K + k] += Math.max(b - a, 1e-9) * colNs;
				continue;
			}
			acc[c0 * K + k] += (c0 + 1 - a) * colNs;
			for (let c = c0 + 1; c < c1; c++)
				acc[c * K + k] += colNs;
			acc[c1 * K + k] += (b - c1) * colNs;
		}
		let run = null;

		for (let c = 0; c < W; c++) {
			let best = -1, bestV = 0;

			for (let k = 0; k < K; k++)
				if (acc[c * K + k] > bestV) {
					bestV = acc[c * K + k];
					best = k;
				}
			const kind = best < 0 ? null : kinds[best];

			if (run && run.kind === kind && run.x + run.w === c) {
				run.w++;
				continue;
			}
			if (kind !== null) {
				run = { x: c, w: 1, kind: kind, epoch: null };
				out.push(run);
			} else {
				run = null;
			}
		}
		return out;
	}

	function epochTitle(ctx, d, e) {
		const end = num(e.end) !== null ? e.end : ctx.last;
		let t = d.name + ': ' + domainLabel(ctx, e.domain, e.kind) + '\n' + fmtTs(e.start) +
			' \u2192 ' + (num(e.end) !== null ? fmtTs(e.end) : 'end of trace') + ' s (' +
			fmtDur(end - e.start) + ')';

		if (num(e.pid) !== null)
			t += '\nattached by pid ' + e.pid;
		return t;
	}

	function laneRow(ctx, i, ticks) {
		const d = ctx.devices[i];
		const epochs = arr(d.domains).filter((e) => e && num(e.start) !== null);
		const svg = s('svg', { viewBox: '0 0 ' + W + ' 10', preserveAspectRatio: 'none' });
		const about = [d.name];

		if (d.description)
			about.push(d.description);
		if (d.class_name)
			about.push(d.class_name + (d.bridge ? ' (bridge)' : ''));
		about.push((num(d.group) !== null ? 'group ' + d.group : 'group unknown') +
			   (d.removed ? ', removed' : '') + '; ' + fmtInt(d.attaches || 0) +
			   ' attaches, ' + fmtInt(d.maps || 0) + ' maps, ' + fmtInt(d.unmaps || 0) +
			   ' unmaps, ' + fmtInt(d.findings || 0) + ' findings');

		if (epochs.length) {
			const exact = epochs.length <= EXACT_EPOCHS;

			for (const r of laneRects(ctx, epochs)) {
				append(svg, s('rect', { x: r.x.toFixed(2), y: 0, width: r.w.toFixed(2), height: 10,
							fill: kindOf(r.kind).colour, 'data-kind': r.kind },
					      r.epoch ? s('title', null, epochTitle(ctx, d, r.epoch)) : null));
			}
			if (!exact)
				about.push(fmtInt(epochs.length) + ' domain epochs, drawn per pixel');
		} else if (num(d.group) !== null && ctx.groupById.has(d.group)) {
			/* no attach in the trace: in its group's domain all along */
			const g = ctx.groupById.get(d.group);
			const dom = num(g.domain) !== null ? ctx.domains[g.domain] : null;
			const kind = dom ? dom.kind : 'dma';

			append(svg, s('rect', { x: 0, y: 0, width: W, height: 10,
						fill: kindOf(kind).colour, 'fill-opacity': 0.55, 'data-kind': kind },
				      s('title', null, d.name + ': ' + domainLabel(ctx, g.domain, kind) +
					', all along (no attach in the trace)')));
		} else {
			append(svg, s('title', null, d.name + ': no domain seen in the trace'));
		}
		for (const t of ticks || []) {
			append(svg, s('rect', { x: (t.x - 1).toFixed(2), y: 0, width: 2, height: 4,
						fill: '#1d232a', class: 'ftick' },
				      s('title', null, t.text)));
		}

		const label = h('div', { class: 'label', title: about.join('\n') },
				h('span', { class: 'grp' }, num(d.group) !== null ? 'g' + d.group : '?'),
				h('span', { class: 'name' }, d.name));
		if (num(d.findings) > 0) {
			const b = h('button', { class: 'badge', type: 'button',
						title: 'show the findings of ' + d.name },
				    fmtInt(d.findings));

			b.addEventListener('click', () => filterFindings(ctx, d.name));
			label.appendChild(b);
		}
		if (d.class_name)
			label.appendChild(h('span', { class: 'sub' }, d.class_name));
		const row = h('div', { class: 'row lane', id: 'dev-' + i, 'data-device': i }, label,
			      h('div', { class: 'plot' }, svg));

		ctx.lanes.set(i, row);
		return row;
	}

	/* Findings per device as ticks, one per pixel column. */
	function findingTicks(ctx) {
		const per = new Map();

		for (const f of ctx.findings) {
			const i = ctx.devIndex.get(f.device);

			if (i === undefined || num(f.ts) === null)
				continue;
			let cols = per.get(i);

			if (!cols)
				per.set(i, (cols = new Map()));
			const c = Math.round(frac(ctx, f.ts) * W);
			const t = cols.get(c);

			if (t) {
				t.n++;
				t.text = fmtTs(t.ts) + ' s: ' + t.n + ' findings';
			} else if (cols.size < MAX_TICKS) {
				cols.set(c, { x: c, ts: f.ts, n: 1,
					      text: fmtTs(f.ts) + ' s: ' + f.type + ' (' + f.severity + ')' });
			}
		}
		return per;
	}

	function laneOrder(ctx) {
		const devs = ctx.devices;
		let order = devs.map((d, i) => i).filter((i) => devs[i] && typeof devs[i].name === 'string');
		const key = (i) => (num(devs[i].group) !== null ? devs[i].group : Infinity);
		const cmp = (a, b) => key(a) - key(b) || a - b;
		let hidden = 0;

		if (order.length > MAX_LANES) {
			/* devices with epochs or findings first */
			const busy = (i) => arr(devs[i].domains).length > 0 || num(devs[i].findings) > 0;
			const pick = order.filter(busy).concat(order.filter((i) => !busy(i)));

			hidden = order.length - MAX_LANES;
			order = pick.slice(0, MAX_LANES);
		}
		order.sort(cmp);
		return { order: order, hidden: hidden };
	}

	function timeline(ctx) {
		const body = byId('timeline-body');

		if (ctx.dur === null) {
			append(body, h('p', { class: 'none' }, 'The trace has no events: no timeline.'));
			return;
		}
		append(body, legend());

		/* the live mappings */
		const charts = h('div', { class: 'tl-inner' });
		const tl = ctx.mappings.timeline;
		const m = ctx.mappings;

		charts.appendChild(axisRow(ctx));
		if (tl && arr(tl.points).length) {
			charts.appendChild(chartRow(ctx, tl, 'live', 'peak_live', 'live mappings', fmtInt,
						    m.peak_live, m.live_at_end));
			charts.appendChild(chartRow(ctx, tl, 'bytes', 'peak_bytes', 'live bytes', fmtBytes,
						    m.peak_bytes, m.live_bytes_at_end));
		} else {
			charts.appendChild(h('div', { class: 'row' }, h('div', { class: 'label' }),
					     h('p', { class: 'note' }, m.maps ?
					       'No live-mapping series in this document (it comes with ' +
					       'schema 1.1 of the JSON document).' :
					       'No map or unmap in the trace.')));
		}
		charts.appendChild(markerLayer(ctx));
		append(body, h('div', { class: 'tl-block tl-charts' }, charts));

		/* one lane per device */
		const lo = laneOrder(ctx);
		const ticks = findingTicks(ctx);
		const inner = h('div', { class: 'tl-inner' });
		const frag = document.createDocumentFragment();
		let group;

		lo.order.forEach((i, k) => {
			const g = num(ctx.devices[i].group);
			const row = laneRow(ctx, i, ticks.has(i) ? [...ticks.get(i).values()] : null);

			/* a line between groups */
			if (k && g !== group)
				row.classList.add('group-start');
			group = g;
			frag.appendChild(row);
		});
		inner.appendChild(frag);
		inner.appendChild(markerLayer(ctx));
		ctx.lanesBox = h('div', { class: 'tl-block tl-lanes' }, inner);
		append(body, ctx.lanesBox);
		if (!lo.order.length)
			append(body, h('p', { class: 'none' }, 'No device in the trace.'));
		if (lo.hidden)
			append(body, h('p', { class: 'note', id: 'lanes-hidden' },
				       fmtInt(lo.hidden) + ' more devices (with no attach and no finding first) ' +
				       'are not drawn: at most ' + fmtInt(MAX_LANES) + ' lanes.'));
	}

	function flash(el) {
		el.classList.add('hl');
		setTimeout(() => el.classList.remove('hl'), 2000);
	}

	function showOnTimeline(ctx, f) {
		if (ctx.dur === null)
			return;
		setMarker(ctx, f.ts, fmtTs(f.ts) + ' s ' + f.type);
		byId('timeline').scrollIntoView({ block: 'start' });
		const i = ctx.devIndex.get(f.device);
		const lane = i !== undefined ? ctx.lanes.get(i) : null;

		if (lane && ctx.lanesBox) {
			const box = ctx.lanesBox;

			box.scrollTop = Math.max(0, lane.offsetTop - box.clientHeight / 2);
			flash(lane);
		}
	}

	/* ------------------------------------------------------------------ */
	/* Findings */

	function iovaKey(v) {
		if (typeof v !== 'string')
			return -1n;
		try {
			return BigInt(v);
		} catch (e) {
			return -1n;
		}
	}

	const COLUMNS = [
		{ key: 'severity', label: 'severity', sort: (f) => SEV_RANK[f.severity] || 0 },
		{ key: 'confidence', label: 'confidence', sort: (f) => String(f.confidence) },
		{ key: 'type', label: 'type', sort: (f) => String(f.type) },
		{ key: 'ts', label: 'time (s)', sort: (f) => (num(f.ts) !== null ? f.ts : -1) },
		{ key: 'device', label: 'device', sort: (f) => String(f.device || '') },
		{ key: 'iova', label: 'iova', sort: (f) => iovaKey(f.iova) },
		{ key: 'size', label: 'size', sort: (f) => (num(f.size) !== null ? f.size : -1) },
		{ key: 'message', label: 'message', sort: (f) => String(f.message || '') },
	];

	/* The row under a finding: its IOVA's history (a fault), its stack trace (when traced). */
	function detailRow(ctx, f) {
		const td = h('td', { colspan: COLUMNS.length });

		if (Array.isArray(f.history))
			historyInto(ctx, f, td);
		if (Array.isArray(f.stack)) {
			append(td, h('p', { class: 'note' }, stackOfMap(f) ?
				     'The stack trace of the map that made the range:' :
				     'The stack trace of the event:'));
			append(td, h('ol', { class: 'stack mono' },
				     f.stack.map((fr) => h('li', null, String(fr)))));
		}
		return h('tr', { class: 'history', 'data-index': f._i }, td);
	}

	function stackOfMap(f) {
		return ['leak', 'outstanding', 'dma_api_leak', 'dma_api_outstanding'].includes(f.type);
	}

	function historyInto(ctx, f, td) {
		const hist = arr(f.history);

		if (!hist.length) {
			append(td, h('p', { class: 'note' }, 'No map or unmap of this IOVA in the trace.'));
		} else {
			const tbody = h('tbody');

			for (const e of hist) {
				tbody.appendChild(h('tr', null,
					h('td', null, String(e.event)),
					h('td', { class: 't' }, fmtTs(e.ts)),
					h('td', { class: 'num' }, num(f.ts) !== null && num(e.ts) !== null ?
					  fmtDur(f.ts - e.ts) + ' before' : '\u2013'),
					h('td', null, domainLabel(ctx, e.domain, e.kind)),
					h('td', { class: 'mono' }, e.iova || '\u2013'),
					h('td', { class: 'num', title: fmtInt(e.size) + ' bytes' },
					  fmtBytes(e.size)),
					h('td', { class: 'num' }, num(e.pid) !== null ? String(e.pid) : '\u2013')));
			}
			append(td, h('table', null,
				     h('thead', null, h('tr', null,
					['event', 'time (s)', 'before the fault', 'domain', 'iova', 'size', 'pid']
					.map((c) => h('th', null, c)))),
				     tbody));
		}
	}

	function findingRow(ctx, f) {
		const i = ctx.devIndex.get(f.device);
		const hasLane = i !== undefined && ctx.lanes.has(i);
		const time = h('a', { href: '#timeline', title: 'show on the timeline' }, fmtTs(f.ts));
		const msg = h('td', { class: 'msg' }, String(f.message || ''));

		time.addEventListener('click', (ev) => {
			ev.preventDefault();
			showOnTimeline(ctx, f);
		});
		if (Array.isArray(f.history) || Array.isArray(f.stack)) {
			const label = [];

			if (Array.isArray(f.history))
				label.push('history (' + f.history.length + ')');
			if (Array.isArray(f.stack))
				label.push('stack (' + f.stack.length + ')');
			const b = h('button', { class: 'toggle', type: 'button',
						'aria-expanded': ctx.table.open.has(f._i) ? 'true' : 'false' },
				    label.join(', '));

			b.addEventListener('click', () => {
				const open = ctx.table.open;

				if (open.has(f._i))
					open.delete(f._i);
				else
					open.add(f._i);
				render(ctx);
			});
			append(msg, [' ', b]);
		}
		const dev = f.device === null || f.device === undefined ? '\u2013' :
			hasLane ? h('a', { href: '#dev-' + i, class: 'mono' }, String(f.device)) :
			h('span', { class: 'mono' }, String(f.device));

		return h('tr', { class: 'finding', 'data-index': f._i, 'data-severity': f.severity,
				 'data-type': f.type },
			 h('td', null, h('span', { class: 'sev sev-' + f.severity }, String(f.severity))),
			 h('td', { class: f.confidence === 'suspected' ? 'suspected' : null },
			   String(f.confidence)),
			 h('td', { class: 'mono' }, String(f.type)),
			 h('td', { class: 't' }, time),
			 h('td', null, dev),
			 h('td', { class: 'mono' }, f.iova || '\u2013'),
			 h('td', { class: 'num', title: num(f.size) !== null ? fmtInt(f.size) + ' bytes' :
				   null }, num(f.size) !== null ? fmtBytes(f.size) : '\u2013'),
			 msg);
	}

	function render(ctx) {
		const t = ctx.table;
		const text = t.search.value.trim().toLowerCase();
		const vis = [];

		for (const f of ctx.findings) {
			if (!t.sev[f.severity] && SEV_RANK[f.severity])
				continue;
			if (text && !f._text.includes(text))
				continue;
			vis.push(f);
		}
		if (t.col) {
			const key = t.col.sort, dir = t.dir;

			vis.sort((a, b) => {
				const ka = key(a), kb = key(b);

				return (ka < kb ? -dir : ka > kb ? dir : 0) || a._i - b._i;
			});
		}
		const frag = document.createDocumentFragment();
		const n = Math.min(vis.length, t.limit);

		for (let k = 0; k < n; k++) {
			const f = vis[k];

			frag.appendChild(findingRow(ctx, f));
			if (t.open.has(f._i))
				frag.appendChild(detailRow(ctx, f));
		}
		if (!vis.length)
			frag.appendChild(h('tr', { class: 'empty' },
					   h('td', { colspan: COLUMNS.length, class: 'note' },
					     ctx.findings.length ? 'No finding matches.' : 'No findings.')));
		t.tbody.textContent = '';
		t.tbody.appendChild(frag);
		t.shown.textContent = fmtInt(vis.length) + ' of ' + fmtInt(ctx.findings.length) + ' shown' +
			(n < vis.length ? ' (the first ' + fmtInt(n) + ' drawn)' : '');
		t.shown.setAttribute('data-shown', vis.length);
		t.shown.setAttribute('data-total', ctx.findings.length);
		t.more.hidden = n >= vis.length;
	}

	function filterFindings(ctx, text) {
		ctx.table.search.value = text;
		render(ctx);
		byId('findings').scrollIntoView({ block: 'start' });
	}

	function findings(ctx) {
		const body = byId('findings-body');
		const search = h('input', { type: 'search', id: 'findings-filter',
					    placeholder: 'filter: type, device, iova, message, function',
					    'aria-label': 'filter findings' });
		const shown = h('span', { id: 'findings-shown' });
		const more = h('button', { class: 'more', type: 'button' }, 'show more');
		const t = {
			search: search, shown: shown, more: more, tbody: h('tbody'),
			sev: { error: true, warning: true, info: true },
			col: null, dir: 1, limit: MAX_ROWS, open: new Set(),
		};
		const controls = h('div', { class: 'controls' }, search);
		let faults = 0;

		ctx.table = t;
		ctx.findings.forEach((f, i) => {
			f._i = i;
			f._text = [f.type, f.severity, f.confidence, f.device, f.iova, f.message]
				.concat(arr(f.stack))
				.map((x) => (x === null || x === undefined ? '' : String(x)))
				.join(' ').toLowerCase();
			if (Array.isArray(f.history))
				faults++;
		});
		/* a few faults: their IOVA's history open from the start */
		if (faults && faults <= 5)
			ctx.findings.forEach((f) => Array.isArray(f.history) && t.open.add(f._i));

		for (const k of SEVERITIES) {
			const cb = h('input', { type: 'checkbox', id: 'sev-' + k, checked: '' });

			cb.addEventListener('change', () => {
				t.sev[k] = cb.checked;
				render(ctx);
			});
			controls.appendChild(h('label', null, cb, ' ' + k));
		}
		append(controls, [shown, more]);
		/* many findings: filter once the typing pauses */
		let timer = null;

		search.addEventListener('input', () => {
			if (ctx.findings.length <= MAX_ROWS)
				return render(ctx);
			clearTimeout(timer);
			timer = setTimeout(() => render(ctx), 200);
		});
		more.addEventListener('click', () => {
			t.limit += MAX_ROWS;
			render(ctx);
		});

		const headRow = h('tr');

		for (const c of COLUMNS) {
			const th = h('th', { tabindex: 0, 'data-key': c.key, title: 'sort by ' + c.label },
				     c.label);
			const sort = () => {
				if (t.col === c) {
					t.dir = -t.dir;
				} else {
					t.col = c;
					t.dir = c.key === 'severity' ? -1 : 1;
				}
				for (const o of headRow.children)
					o.removeAttribute('aria-sort');
				th.setAttribute('aria-sort', t.dir > 0 ? 'ascending' : 'descending');
				render(ctx);
			};

			th.addEventListener('click', sort);
			th.addEventListener('keydown', (ev) => {
				if (ev.key === 'Enter' || ev.key === ' ') {
					ev.preventDefault();
					sort();
				}
			});
			headRow.appendChild(th);
		}
		append(body, [controls, h('table', { id: 'findings-table' }, h('thead', null, headRow),
					  t.tbody)]);
		render(ctx);
	}

	function footer(ctx) {
		const tool = ctx.doc.tool || {};

		append(byId('footer'), (tool.name || 'iommu-report') + ' ' + (tool.version || '') +
		       ' \u00b7 JSON schema ' + (ctx.doc.schema_version || '?') +
		       ' \u00b7 this page loads nothing: its data, style and script are all in it.');
	}

	function main() {
		const t0 = performance.now();
		const ctx = load();

		header(ctx);
		banner(ctx);
		cards(ctx);
		timeline(ctx);
		findings(ctx);
		footer(ctx);
		document.body.setAttribute('data-build-ms', Math.round(performance.now() - t0));
		document.body.setAttribute('data-ready', '1');
	}

	try {
		main();
	} catch (e) {
		const el = byId('banner');

		document.body.setAttribute('data-ready', 'error');
		if (el) {
			append(el, h('p', null, 'This page could not be built: ' + e));
			el.hidden = false;
		}
		throw e;
	}
})();
