import { takeTokenFromLocation, setToken, getJson, getImage, postJson, liveEvents, HttpError } from './api.js';
import { classCss, drawMasks } from './masks.js';
import { drawShadowVerdicts, refreshShadow } from './shadow.js';

const ROWS = 'ABCDEFGH';
const COLUMNS = 12;
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

const state = { role: null, plate: null, classNames: [], sampleId: null, refreshTimer: null, shadowTimer: null,
  missedEvents: false,
  // the label-next walk: the queue item on show, and what this page labelled (the queue learns of a label only
  // once the sink has read it back from the feedback topic, so it may still list it for a moment)
  queueItem: null, labelledHere: new Set() };

async function start() {
  if (!takeTokenFromLocation()) {
    showLogin();
    return;
  }
  try {
    state.role = (await getJson('/api/whoami')).role;
  } catch (e) {
    showLogin(e instanceof HttpError && e.status === 401 ? 'That token was not accepted.' : e.message);
    return;
  }
  $('login').hidden = true;
  $('dashboard').hidden = false;
  $('role').textContent = state.role === 'CURATOR' ? 'curator' : 'viewer';
  state.classNames = (await getJson('/api/classes/frequency')).map((c) => c.name);
  buildLabelChoices();
  $('plate-select').addEventListener('change', (e) => selectPlate(e.target.value));
  $('overlay-toggle').addEventListener('change', () => state.sampleId && showSample(state.sampleId));
  $('label-form').addEventListener('submit', submitLabels);
  setUpLabelNext();
  await refreshPlates();
  await Promise.all([refreshModels(), refreshIncidents(), refreshShadow()]);
  liveEvents(onLiveEvent, (up) => {
    $('live-status').className = `live ${up ? 'on' : 'off'}`;
    if (!up) {
      state.missedEvents = true;
    } else if (state.missedEvents) {
      // the stream was down: events were missed, so reload what they would have changed
      state.missedEvents = false;
      refreshPlates();
      refreshModels();
      refreshIncidents();
      refreshShadow();
    }
  });
}

function showLogin(error = '') {
  $('login').hidden = false;
  $('dashboard').hidden = true;
  $('login-error').textContent = error;
  $('login-form').onsubmit = (e) => {
    e.preventDefault();
    setToken($('token-input').value.trim());
    window.location.reload();
  };
}

function onLiveEvent(event) {
  if (event.type === 'model') {
    refreshModels();
    refreshShadow();
  } else if (event.type === 'incident') {
    refreshIncidents();
    if (event.data && event.data.kind === 'DRIFT') {
      refreshPlates();
    }
  } else if (event.type === 'feedback' && event.sampleId === state.sampleId) {
    showSample(state.sampleId);
  }
  if (event.type === 'shadow' || event.type === 'feedback') {
    // shadow verdicts come with every shadowed sample, and a label changes the F1: at most one redraw a second,
    // also under a steady stream (a timer reset by every event would never fire)
    if (!state.shadowTimer) {
      state.shadowTimer = setTimeout(() => {
        state.shadowTimer = null;
        refreshShadow();
      }, 1000);
    }
  }
  if (event.type === 'shadow' && event.sampleId === state.sampleId) {
    showSample(state.sampleId);
  }
  if (['prediction', 'masks', 'sample'].includes(event.type)) {
    // results arrive in bursts: redraw once per burst, not once per record
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refreshPlates, 300);
  }
}

async function refreshPlates() {
  const plates = await getJson('/api/plates');
  const select = $('plate-select');
  select.replaceChildren(...plates.map((p) => new Option(
    `${p.plate} (${p.samples} samples)${p.drift && p.drift.alarm ? ' — drift' : ''}`, p.plate)));
  drawPlateList(plates);
  if (plates.length === 0) {
    drawPlate({ wells: [] });
    return;
  }
  const keep = plates.some((p) => p.plate === state.plate) ? state.plate : plates[0].plate;
  select.value = keep;
  await selectPlate(keep);
}

/** The plate list: each plate, a "drift" badge on those in alarm (its tooltip names the statistic and its PSI). */
function drawPlateList(plates) {
  $('plate-list').replaceChildren(...plates.map((p) => {
    const item = document.createElement('li');
    item.dataset.plate = p.plate;
    item.textContent = `${p.plate} (${p.samples})`;
    item.classList.toggle('selected', p.plate === state.plate);
    item.addEventListener('click', () => {
      $('plate-select').value = p.plate;
      selectPlate(p.plate);
    });
    const drift = p.drift;
    if (drift && drift.alarm) {
      const badge = document.createElement('span');
      badge.className = 'drift-badge';
      badge.textContent = 'drift';
      badge.title = `Drift: ${drift.worst} at PSI ${drift.score.toFixed(2)} (${drift.reason}) against model `
        + `${drift.modelName} version ${drift.modelVersion}'s reference, ${drift.fields} fields`;
      item.classList.add('drift-alarm');
      item.appendChild(badge);
    } else if (drift) {
      const score = document.createElement('span');
      score.className = 'drift-ok';
      score.textContent = 'no drift';
      score.title = `No drift alarm: largest PSI ${drift.score.toFixed(2)} (${drift.worst}) against model `
        + `${drift.modelName} version ${drift.modelVersion}'s reference, ${drift.fields} fields`;
      item.appendChild(score);
    }
    return item;
  }));
}

async function selectPlate(plate) {
  state.plate = plate;
  document.querySelectorAll('#plate-list li').forEach((li) => li.classList.toggle('selected', li.dataset.plate === plate));
  await refreshPlate();
}

async function refreshPlate() {
  if (!state.plate) {
    return;
  }
  const plate = encodeURIComponent(state.plate);
  const [summary, frequency, latest] = await Promise.all([
    getJson(`/api/plates/${plate}`),
    getJson(`/api/classes/frequency?plate=${plate}`),
    getJson(`/api/samples?plate=${plate}&size=12`),
  ]);
  drawPlate(summary);
  drawClassChart(frequency);
  await drawLatest(latest.items);
}

function drawPlate(summary) {
  const svg = $('plate-map');
  const byWell = new Map(summary.wells.map((w) => [normaliseWell(w.well), w]));
  const nodes = [];
  let flagged = 0;
  for (let c = 0; c < COLUMNS; c++) {
    nodes.push(svgText(60 + c * 48, 22, String(c + 1)));
  }
  for (let r = 0; r < ROWS.length; r++) {
    nodes.push(svgText(20, 62 + r * 48, ROWS[r]));
    for (let c = 0; c < COLUMNS; c++) {
      const name = `${ROWS[r]}${String(c + 1).padStart(2, '0')}`;
      const well = byWell.get(name);
      const circle = document.createElementNS(SVG, 'circle');
      circle.setAttribute('cx', 60 + c * 48);
      circle.setAttribute('cy', 58 + r * 48);
      circle.setAttribute('r', 20);
      circle.setAttribute('data-well', name);
      circle.classList.add('well');
      const title = document.createElementNS(SVG, 'title');
      let marker = null;
      if (well) {
        circle.classList.add('has-result');
        circle.setAttribute('fill', classCss(well.dominantClass, 85 - 45 * Math.min(1, well.confidence)));
        circle.setAttribute('data-class', well.dominantClass);
        title.textContent = `${name}: ${well.dominantClassName} (${(100 * well.confidence).toFixed(0)}%), ${well.samples} sample(s)`;
        circle.addEventListener('click', () => openWell(well.well));
        const flags = well.qcFlags || [];
        if (flags.length > 0) {
          const qc = `\nField QC: ${flags.join(', ')} (${well.flaggedSamples} of ${well.samples} sample(s) flagged)`;
          title.textContent += qc;
          circle.classList.add('qc-flagged');
          circle.setAttribute('data-qc-flags', flags.join(' '));
          marker = qcMarker(60 + c * 48 + 15, 58 + r * 48 - 15, `${name}:${qc}`, () => openWell(well.well));
          flagged++;
        }
      } else {
        circle.setAttribute('fill', '#f0f1f3');
        title.textContent = `${name}: no results yet`;
      }
      circle.appendChild(title);
      nodes.push(circle);
      if (marker) {
        nodes.push(marker);
      }
    }
  }
  svg.replaceChildren(...nodes);
  $('plate-caption').textContent = `${state.plate || ''} — ${summary.wells.length} wells with results`;
  $('qc-flagged-count').textContent = `${flagged} well(s) flagged on this plate.`;
}

/** The "!" beside a flagged well; its tooltip names the flags, a click opens the well like the well itself. */
function qcMarker(x, y, tooltip, open) {
  const group = document.createElementNS(SVG, 'g');
  group.classList.add('qc-mark');
  const dot = document.createElementNS(SVG, 'circle');
  dot.setAttribute('cx', x);
  dot.setAttribute('cy', y);
  dot.setAttribute('r', 7);
  dot.classList.add('qc-marker');
  const mark = svgText(x, y + 4, '!');
  mark.classList.add('qc-marker-text');
  const title = document.createElementNS(SVG, 'title');
  title.textContent = tooltip;
  group.append(title, dot, mark);
  group.addEventListener('click', open);
  return group;
}

/** B7 and B07 name the same well. */
function normaliseWell(well) {
  const match = /^([A-Z]+)(\d+)$/.exec(well);
  return match ? `${match[1]}${match[2].padStart(2, '0')}` : well;
}

function svgText(x, y, text) {
  const node = document.createElementNS(SVG, 'text');
  node.setAttribute('x', x);
  node.setAttribute('y', y);
  node.setAttribute('text-anchor', 'middle');
  node.textContent = text;
  return node;
}

function drawClassChart(frequency) {
  const svg = $('class-chart');
  const max = Math.max(1, ...frequency.map((c) => c.count));
  const nodes = [];
  frequency.forEach((c, i) => {
    const y = 8 + i * 21;
    const label = svgText(170, y + 12, c.name);
    label.setAttribute('text-anchor', 'end');
    const bar = document.createElementNS(SVG, 'rect');
    bar.setAttribute('x', 176);
    bar.setAttribute('y', y);
    bar.setAttribute('height', 15);
    bar.setAttribute('width', Math.max(c.count > 0 ? 2 : 0, (210 * c.count) / max));
    bar.setAttribute('fill', classCss(c.classIndex));
    bar.setAttribute('data-class', c.classIndex);
    bar.setAttribute('data-count', c.count);
    const count = svgText(180 + (210 * c.count) / max + 12, y + 12, String(c.count));
    nodes.push(label, bar, count);
  });
  svg.replaceChildren(...nodes);
}

async function drawLatest(samples) {
  const cards = await Promise.all(samples.map(async (sample) => {
    const card = document.createElement('div');
    card.className = 'card';
    card.dataset.sampleId = sample.sampleId;
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 160;
    card.appendChild(canvas);
    const caption = document.createElement('div');
    caption.className = 'caption';
    const latest = sample.latest;
    caption.textContent = `${sample.well} · ${sample.sampleId}` + (latest
      ? ` — ${latest.topClassName} ${(100 * latest.topProbability).toFixed(0)}%` : ' — waiting for a result');
    if (latest && latest.qc && latest.qc.flags.length > 0) {
      const badge = document.createElement('span');
      badge.className = 'qc-badge';
      badge.textContent = ` · QC: ${latest.qc.flags.join(', ')}`;
      caption.appendChild(badge);
    }
    card.appendChild(caption);
    card.addEventListener('click', () => showSample(sample.sampleId));
    await paintSample(canvas, sample, true);
    return card;
  }));
  $('latest-samples').replaceChildren(...cards);
}

/** Thumbnail (when stored) with the latest masks on top; returns the number of mask pixels drawn. */
async function paintSample(canvas, sample, overlay) {
  const context = canvas.getContext('2d');
  context.fillStyle = '#000';
  context.fillRect(0, 0, canvas.width, canvas.height);
  const id = encodeURIComponent(sample.sampleId);
  if (sample.hasThumbnail) {
    try {
      context.imageSmoothingEnabled = true;
      context.drawImage(await getImage(`/api/samples/${id}/thumbnail`), 0, 0, canvas.width, canvas.height);
    } catch (e) {
      console.warn(`thumbnail of ${sample.sampleId}: ${e.message}`);
    }
  }
  if (!overlay || !sample.latest) {
    return { pixels: 0, masks: null };
  }
  try {
    const masks = await getJson(`/api/samples/${id}/masks`);
    return { pixels: drawMasks(canvas, masks, 0.45), masks };
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 404)) {
      console.warn(`masks of ${sample.sampleId}: ${e.message}`);
    }
    return { pixels: 0, masks: null };
  }
}

async function openWell(well) {
  const page = await getJson(`/api/samples?plate=${encodeURIComponent(state.plate)}&well=${encodeURIComponent(well)}&size=1`);
  if (page.items.length > 0) {
    await showSample(page.items[0].sampleId);
  }
}

async function showSample(sampleId) {
  const switched = state.sampleId !== sampleId;
  state.sampleId = sampleId;
  const detail = await getJson(`/api/samples/${encodeURIComponent(sampleId)}`);
  // another sample was opened meanwhile (the label-next walk, while a live event redraws the labelled one): it wins
  if (state.sampleId !== sampleId) {
    return;
  }
  const sample = detail.sample;
  const view = $('sample-view');
  view.hidden = false;
  $('sample-title').textContent = `${sample.sampleId} — plate ${sample.plate}, well ${sample.well}, field ${sample.field}`;
  const canvas = $('sample-canvas');
  const painted = await paintSample(canvas, sample, $('overlay-toggle').checked);
  if (state.sampleId !== sampleId) {
    return;
  }
  canvas.dataset.maskPixels = painted.pixels;
  canvas.dataset.overlayClasses = painted.masks ? painted.masks.masks.map((m) => m.classIndex).join(',') : '';
  $('mask-legend').replaceChildren(...(painted.masks ? painted.masks.masks : []).map((m) => {
    const item = document.createElement('li');
    // colours and widths through the style property: the content security policy refuses style attributes
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = classCss(m.classIndex);
    item.append(swatch, `${m.className} (${m.area} px)`);
    return item;
  }));
  showQueueReason(sampleId);
  drawProbabilities(sample.latest);
  drawQc(sample.latest);
  drawShadowVerdicts(detail, state.classNames);
  fillLabelForm(detail, switched);
  view.scrollIntoView({ behavior: 'instant', block: 'nearest' });
}

function drawProbabilities(latest) {
  const table = $('probabilities');
  if (!latest) {
    table.replaceChildren();
    return;
  }
  const predicted = new Set(latest.predictedLabels);
  const order = latest.probabilities.map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]);
  const header = document.createElement('caption');
  header.textContent = `${latest.modelName} v${latest.modelVersion}`;
  table.replaceChildren(header, ...order.slice(0, 12).map(([p, i]) => {
    const row = document.createElement('tr');
    if (predicted.has(i)) {
      row.className = 'predicted';
    }
    const name = document.createElement('td');
    name.textContent = state.classNames[i];
    const value = document.createElement('td');
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.round(120 * p)}px`;
    value.append(bar, ` ${(100 * p).toFixed(1)}%`);
    row.append(name, value);
    return row;
  }));
}

/** The latest prediction's field QC: its flags, and the figures that raise them. */
function drawQc(latest) {
  const box = $('sample-qc');
  const heading = document.createElement('h3');
  heading.textContent = 'Field QC';
  const qc = latest ? latest.qc : null;
  if (!qc) {
    const none = document.createElement('p');
    none.className = 'hint';
    none.textContent = latest ? 'Not measured for this prediction.' : 'No prediction yet.';
    box.replaceChildren(heading, none);
    box.dataset.flags = '';
    return;
  }
  const flags = document.createElement('p');
  flags.id = 'sample-qc-flags';
  if (qc.flags.length === 0) {
    flags.className = 'passed';
    flags.textContent = 'Passed: no flag raised.';
  } else {
    flags.append(...qc.flags.map((f) => {
      const flag = document.createElement('span');
      flag.className = 'flag';
      flag.textContent = f;
      return flag;
    }));
  }
  box.dataset.flags = qc.flags.join(' ');
  const summary = document.createElement('p');
  summary.className = 'hint';
  summary.textContent = `focus ${fmt(qc.focus)} (flagged under 4.5) · nuclei ${qc.nuclei ?? '—'} · nuclear foreground `
    + `${qc.foregroundFraction == null ? '—' : (100 * qc.foregroundFraction).toFixed(1) + '%'}`;
  const table = document.createElement('table');
  const header = document.createElement('tr');
  ['stain', 'saturated', 'p1', 'median', 'p99', 'p99.9'].forEach((text) => {
    const cell = document.createElement('th');
    cell.textContent = text;
    header.appendChild(cell);
  });
  table.replaceChildren(header, ...qc.stains.map((s) => {
    const row = document.createElement('tr');
    [s.stain, s.saturatedFraction == null ? '—' : `${(100 * s.saturatedFraction).toFixed(2)}%`, fmt(s.p1),
      fmt(s.p50), fmt(s.p99), fmt(s.p999)].forEach((text) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    });
    return row;
  }));
  box.replaceChildren(heading, flags, summary, table);
}

function buildLabelChoices() {
  $('label-choices').replaceChildren(...state.classNames.map((name, i) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = i;
    box.name = 'label';
    label.append(box, ` ${name}`);
    return label;
  }));
}

/** Fills the form from the latest curated labels, else the prediction; keeps the status unless the sample changed. */
function fillLabelForm(detail, switched) {
  const curated = detail.feedback.length > 0 ? detail.feedback[0].labels : null;
  const chosen = new Set(curated || (detail.sample.latest ? detail.sample.latest.predictedLabels : []));
  for (const box of document.querySelectorAll('#label-choices input')) {
    box.checked = chosen.has(Number(box.value));
    box.disabled = state.role !== 'CURATOR';
  }
  $('label-submit').disabled = state.role !== 'CURATOR';
  $('label-note').textContent = state.role !== 'CURATOR'
    ? 'Viewing only: the curator token is needed to change labels.'
    : (curated ? `Last labelled by ${detail.feedback[0].labelledBy}.` : 'Pre-filled with the model\'s prediction.');
  if (switched) {
    $('label-status').textContent = '';
    delete $('label-status').dataset.feedbackId;
  }
}

async function submitLabels(event) {
  event.preventDefault();
  const labels = [...document.querySelectorAll('#label-choices input:checked')].map((b) => Number(b.value));
  const status = $('label-status');
  if (labels.length === 0) {
    status.textContent = 'Choose at least one class.';
    return;
  }
  try {
    const sent = await postJson(`/api/samples/${encodeURIComponent(state.sampleId)}/labels`,
      { labels, comment: $('label-comment').value });
    status.textContent = `Labels sent (${sent.labels.map((i) => state.classNames[i]).join(', ')}).`;
    status.dataset.feedbackId = sent.feedbackId;
    if (state.queueItem && state.queueItem.sampleId === state.sampleId) {
      state.labelledHere.add(state.sampleId);
      await labelNext(`Labels for ${state.sampleId} sent. `);
    }
  } catch (e) {
    status.textContent = `Not sent: ${e.message}`;
  }
}

/** The "Label next" button: curators only, like the label form; a viewer sees why it is disabled. */
function setUpLabelNext() {
  const button = $('label-next');
  if (state.role !== 'CURATOR') {
    button.disabled = true;
    button.title = 'Label next needs the curator token: labelling is for curators.';
    $('label-next-note').hidden = false;
    return;
  }
  button.disabled = false;
  button.title = 'Open the unlabelled sample of this plate whose label would teach the model most';
  button.addEventListener('click', () => labelNext(''));
}

/**
 * Opens the top of the plate's label-next queue (GET /api/queue) in the sample view, with the reason it ranks
 * there; after its labels are sent the next one opens. Says so when nothing is left to label.
 */
async function labelNext(prefix) {
  const status = $('queue-status');
  status.hidden = false;
  let items;
  try {
    const plate = state.plate ? `&plate=${encodeURIComponent(state.plate)}` : '';
    items = await getJson(`/api/queue?limit=${state.labelledHere.size + 10}${plate}`);
  } catch (e) {
    status.textContent = `${prefix}The label-next queue is unavailable: ${e.message}`;
    return;
  }
  const next = items.find((item) => !state.labelledHere.has(item.sampleId));
  if (!next) {
    state.queueItem = null;
    $('queue-reason').hidden = true;
    status.dataset.empty = 'true';
    status.textContent = `${prefix}The label-next queue is empty: every classified sample on plate ${state.plate} `
      + 'has a curator\'s label.';
    return;
  }
  delete status.dataset.empty;
  state.queueItem = next;
  status.textContent = `${prefix}Label next: ${next.sampleId} (plate ${next.plate}, well ${next.well}).`;
  await showSample(next.sampleId);
}

/** The queue's reason, while the sample on show is the queue item; hidden for a sample opened otherwise. */
function showQueueReason(sampleId) {
  const box = $('queue-reason');
  const item = state.queueItem;
  if (!item || item.sampleId !== sampleId) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.dataset.sampleId = sampleId;
  box.textContent = `Why label this one (score ${item.score.toFixed(2)}): ${item.reason}.`;
}

async function refreshModels() {
  const versions = await getJson('/api/models');
  const header = document.createElement('tr');
  header.innerHTML = '<th>model</th><th>version</th><th>status</th><th>macro-F1 (present classes)</th><th>micro-F1</th>'
    + '<th>precision</th><th>recall</th><th>Dice</th><th>training set</th><th>history</th>';
  $('models').replaceChildren(header, ...versions.map((v) => {
    const row = document.createElement('tr');
    const cells = [v.modelName, v.version, null, fmt(v.macroF1), fmt(v.microF1), fmt(v.precision), fmt(v.recall),
      v.dice == null ? '—' : fmt(v.dice), v.trainingSetSize,
      v.history.map((h) => h.status + (h.reason ? ` (${h.reason})` : '')).join(' → ')];
    cells.forEach((text, i) => {
      const cell = document.createElement('td');
      if (i === 2) {
        const status = document.createElement('span');
        status.className = `status ${v.status}`;
        status.textContent = v.status;
        cell.appendChild(status);
      } else {
        cell.textContent = text;
      }
      row.appendChild(cell);
    });
    return row;
  }));
}

async function refreshIncidents() {
  const page = await getJson('/api/incidents?size=15');
  const header = document.createElement('tr');
  header.innerHTML = '<th>when</th><th>kind</th><th>sample / plate</th><th>reason</th><th>detail</th>';
  $('incidents').replaceChildren(header, ...page.items.map((incident) => {
    const row = document.createElement('tr');
    [new Date(incident.occurredAt).toLocaleString(), incident.kind, incident.sampleId || incident.plate || '—', incident.reason,
      incident.detail].forEach((text) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    });
    return row;
  }));
}

function fmt(value) {
  return value == null ? '—' : value.toFixed(3);
}

start().catch((e) => {
  document.body.insertAdjacentHTML('beforeend', '<p class="error" id="fatal"></p>');
  $('fatal').textContent = `Dashboard failed: ${e.message}`;
});
