// Shadow models (#19 §3): a candidate's verdict beside the champion's on a sample, and per shadowed version how it
// compares (GET /api/shadow, /api/shadow/{version}). Every text from the API goes in through textContent.

import { getJson } from './api.js';

const $ = (id) => document.getElementById(id);
const shown = { version: null };

function cell(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) {
    node.className = className;
  }
  return node;
}

function headerRow(names) {
  const row = document.createElement('tr');
  row.append(...names.map((n) => cell('th', n)));
  return row;
}

function pct(value) {
  return value == null ? '—' : `${(100 * value).toFixed(1)}%`;
}

function f1(value) {
  return value == null ? 'n/a' : value.toFixed(3);
}

function ms(value) {
  return value == null ? '—' : value.toFixed(1);
}

/**
 * The sample view's "champion vs shadow": for each shadowed version, the classes either model predicts and the
 * most probable others, with both probabilities side by side; the classes they disagree on are marked.
 */
export function drawShadowVerdicts(detail, classNames) {
  const box = $('sample-shadow');
  const verdicts = detail.shadows || [];
  box.dataset.versions = verdicts.map((v) => v.shadowVersion).join(',');
  if (verdicts.length === 0) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  box.replaceChildren(cell('h3', 'Champion vs shadow (the shadow is never served)'), ...verdicts.map((v) => {
    const champion = detail.predictions.find((p) => p.modelVersion === v.championVersion
      && p.modelName === v.modelName);
    const championSet = new Set(v.championLabels);
    const shadowSet = new Set(v.predictedLabels);
    const disagree = new Set(v.disagreement);
    const wrapper = document.createElement('div');
    wrapper.className = 'verdict';
    wrapper.dataset.shadowVersion = v.shadowVersion;
    const summary = document.createElement('p');
    if (disagree.size === 0) {
      summary.append(cell('span', 'Agree on every class.', 'agree'));
    } else {
      summary.append(cell('span', `Disagree on ${[...disagree].map((i) => classNames[i]
        + (shadowSet.has(i) ? ' (shadow only)' : ' (champion only)')).join(', ')}.`, 'disagree-text'));
    }
    summary.append(` Model time per sample: champion ${ms(v.championMs)} ms, shadow ${ms(v.shadowMs)} ms.`);
    summary.className = 'shadow-summary';
    // predicted by either, then the most probable others, up to ten rows
    const byShadow = v.probabilities.map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    const rows = [...new Set([...v.championLabels, ...v.predictedLabels, ...byShadow])].slice(0,
      Math.max(10, championSet.size + shadowSet.size));
    const table = document.createElement('table');
    table.append(headerRow(['class', `champion v${v.championVersion}`, `shadow v${v.shadowVersion}`]));
    for (const i of rows) {
      const row = document.createElement('tr');
      row.dataset.class = i;
      if (disagree.has(i)) {
        row.className = 'disagree';
      }
      row.append(cell('td', classNames[i]), probability(champion ? champion.probabilities[i] : null,
        championSet.has(i), ''), probability(v.probabilities[i], shadowSet.has(i), 'shadow'));
      table.append(row);
    }
    const caption = `${v.modelName}: champion v${v.championVersion} (served) and shadow v${v.shadowVersion}`
      + ` — predicted classes in bold${champion ? '' : '; the champion\'s probabilities are not stored here'}`;
    wrapper.append(cell('h3', caption), summary, table);
    return wrapper;
  }));
}

function probability(p, predicted, kind) {
  const td = document.createElement('td');
  td.dataset.predicted = predicted;
  if (predicted) {
    td.className = 'predicted';
  }
  if (p == null) {
    td.textContent = predicted ? 'predicted' : '—';
    return td;
  }
  const bar = document.createElement('span');
  bar.className = `bar ${kind}`;
  // widths through the style property: the content security policy refuses style attributes
  bar.style.width = `${Math.round(80 * p)}px`;
  td.append(bar, `${(100 * p).toFixed(1)}%${predicted ? ' ✓' : ''}`);
  return td;
}

/** The shadow panel: every shadowed version with its summary; the selected one's per-class table below. */
export async function refreshShadow() {
  const versions = await getJson('/api/shadow');
  $('shadow-empty').hidden = versions.length > 0;
  $('shadow-versions').replaceChildren(headerRow(['model', 'version', 'status', 'beside champion', 'samples',
    'label sets agree', 'curator-labelled', 'macro-F1 shadow', 'macro-F1 champion', 'shadow ms p50 / p95',
    'champion ms p50 / p95']), ...versions.map((v) => {
    const row = document.createElement('tr');
    row.dataset.version = v.version;
    row.classList.toggle('selected', v.version === shown.version);
    const status = document.createElement('td');
    status.append(cell('span', v.status || 'unknown', `status ${v.status || ''}`));
    const worse = v.macroF1Shadow != null && v.macroF1Champion != null && v.macroF1Shadow < v.macroF1Champion;
    row.append(cell('td', v.modelName), cell('td', `v${v.version}`), status,
      cell('td', v.championVersions.map((c) => `v${c}`).join(', ')), cell('td', String(v.samples)),
      cell('td', `${pct(v.exactAgreement)} (${v.agreedSamples})`), cell('td', String(v.labelled)),
      cell('td', f1(v.macroF1Shadow), worse ? 'worse' : ''), cell('td', f1(v.macroF1Champion)),
      cell('td', `${ms(v.latency.shadowP50Ms)} / ${ms(v.latency.shadowP95Ms)}`),
      cell('td', `${ms(v.latency.championP50Ms)} / ${ms(v.latency.championP95Ms)}`));
    row.addEventListener('click', () => showShadowVersion(v.version));
    return row;
  }));
  const keep = versions.some((v) => v.version === shown.version) ? shown.version
    : (versions.length > 0 ? versions[0].version : null);
  if (keep == null) {
    $('shadow-detail').hidden = true;
    return;
  }
  await showShadowVersion(keep);
}

async function showShadowVersion(version) {
  shown.version = version;
  document.querySelectorAll('#shadow-versions tr[data-version]').forEach((r) => r.classList.toggle('selected',
    Number(r.dataset.version) === version));
  const v = await getJson(`/api/shadow/${encodeURIComponent(version)}`);
  if (shown.version !== version) {
    return;
  }
  const detail = $('shadow-detail');
  detail.hidden = false;
  detail.dataset.version = version;
  $('shadow-detail-title').textContent = `${v.modelName} v${v.version} per class: ${v.samples} shadowed samples, `
    + `${v.labelled} with a curator label, ${v.classesPresent} class(es) present in those labels`;
  $('shadow-classes').replaceChildren(headerRow(['class', 'shadow +', 'champion +', 'agreement', 'curator +',
    'precision shadow', 'precision champion', 'F1 shadow', 'F1 champion']), ...v.classes.map((c) => {
    const row = document.createElement('tr');
    row.dataset.class = c.classIndex;
    if (c.shadowWorse) {
      row.className = 'worse';
      row.title = `The shadow's F1 (${f1(c.shadow.f1)}) is below the champion's (${f1(c.champion.f1)})`;
    }
    row.append(cell('td', c.className), cell('td', String(c.shadowPositives)), cell('td', String(c.championPositives)),
      cell('td', pct(c.agreement)), cell('td', String(c.curatorPositives)), cell('td', f1(c.shadow.precision)),
      cell('td', f1(c.champion.precision)), cell('td', f1(c.shadow.f1)), cell('td', f1(c.champion.f1)));
    return row;
  }));
}
