/* What the student and instructor pages share: building elements (text only: nothing from a result is
   read as HTML), a student's result as the command line's table, and a score timeline. */
"use strict";

const MARKS = {pass: "✓", partial: "◐", fail: "✗", error: "!", warn: "⚠"};
const NOT_GRADED = "not graded:";

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function points(value) {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

function when(iso) {
  if (!iso) return "never";
  const date = new Date(iso);
  return date.toLocaleString(undefined, {month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
                                         second: "2-digit"});
}

function ago(iso, now) {
  if (!iso) return "never";
  const seconds = Math.max(0, ((now ? new Date(now) : new Date()) - new Date(iso)) / 1000);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 360) / 10} h ago`;
}

/* A command as text to copy, in words that never wrap inside themselves (the spaces between them do). */
function command(text) {
  return el("code", {}, text.split(/(\s+)/).map(part => /^\s*$/.test(part) ? part : el("span", {class: "word"}, part)));
}

function status(value) {
  return el("span", {class: `status ${value}`}, `${MARKS[value] || ""} ${value.toUpperCase()}`);
}

/* One student's result: a row per task, the checks not passed under it with their reason and fix,
   as the command line's table prints them; the score line and notes in their own elements. */
function renderResult(container, scoreLine, notes, result) {
  const body = el("tbody");
  for (const task of result.tasks) {
    body.append(el("tr", {class: `task ${task.status}`, "data-task": task.number},
      el("td", {class: "num"}, task.number), el("td", {class: "title"}, task.title),
      el("td", {class: "points"}, `${points(task.score)}/${points(task.max_score)}`),
      el("td", {}, status(task.status))));
    let previousHint = null;
    for (const check of task.checks) {
      if (check.status === "pass" || check.message.startsWith(NOT_GRADED)) continue;
      const detail = el("td", {colspan: 3, class: "detail"},
        el("div", {class: "line"}, el("span", {class: `status ${check.status}`}, `${MARKS[check.status]} ${check.id}`),
           " ", el("strong", {}, check.title), " — ", el("span", {class: "message"}, check.message)));
      if (check.hint) {
        const same = check.hint === previousHint;
        detail.append(el("div", {class: "fix"}, el("span", {class: "fix-label"}, "fix: "),
          same ? "the same as above" : command(check.hint)));
        previousHint = check.hint;
      }
      body.append(el("tr", {class: `check ${check.status}`, "data-check": check.id}, el("td", {}), detail));
    }
  }
  const table = el("table", {class: "result"},
    el("thead", {}, el("tr", {}, el("th", {}, "#"), el("th", {}, "Task"), el("th", {}, "Points"), el("th", {}, "Status"))),
    body);
  container.replaceChildren(table);
  if (scoreLine) {
    const passed = result.passed;
    scoreLine.replaceChildren(`Score ${points(result.score)}/${points(result.max_score)} — `,
      el("span", {class: passed ? "passed" : "not-passed"}, passed ? "PASSED" : "NOT PASSED"),
      result.pass_mark !== undefined ? ` (pass mark ${points(result.pass_mark)})` : "",
      result.complete ? "" : el("span", {class: "status error"}, "  — incomplete: some checks could not be read (see ! rows)"));
  }
  if (notes) notes.replaceChildren(...(result.notes || []).map(note => el("li", {}, `Note: ${note}`)));
}

/* Score over time: one point per attempt (oldest left), a line through them, the maximum dashed. */
function renderTimeline(container, attempts, maxScore) {
  const width = 640, height = 160, pad = 28;
  const ordered = [...attempts].reverse();
  if (!ordered.length) {
    container.replaceChildren(el("p", {class: "muted"}, "No attempts yet."));
    return;
  }
  const times = ordered.map(a => new Date(a.graded_at).getTime());
  const first = Math.min(...times), last = Math.max(...times);
  const span = Math.max(last - first, 1);
  const x = t => pad + (ordered.length === 1 ? (width - 2 * pad) / 2 : (t - first) / span * (width - 2 * pad));
  const y = s => height - pad - (s / (maxScore || 100)) * (height - 2 * pad);
  const path = ordered.map((a, i) => `${i ? "L" : "M"}${x(times[i]).toFixed(1)},${y(a.score).toFixed(1)}`).join(" ");
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, class: "timeline", role: "img",
                            "aria-label": `score over ${ordered.length} attempts`},
    svg("line", {x1: pad, x2: width - pad, y1: y(maxScore), y2: y(maxScore), class: "max"}),
    svg("line", {x1: pad, x2: width - pad, y1: y(0), y2: y(0), class: "axis"}),
    svg("text", {x: 2, y: y(maxScore) + 4, class: "label"}, points(maxScore)),
    svg("text", {x: 2, y: y(0) + 4, class: "label"}, "0"),
    svg("path", {d: path, class: "line"}),
    ordered.map((a, i) => svg("circle", {cx: x(times[i]).toFixed(1), cy: y(a.score).toFixed(1), r: 4,
                                          class: `dot ${a.trigger}${a.late ? " late" : ""}`},
      svg("title", {}, `${when(a.graded_at)}: ${points(a.score)} (${a.trigger}${a.late ? ", after the deadline" : ""})`))));
  container.replaceChildren(chart);
}

function renderHistory(list, attempts, onPick) {
  list.replaceChildren(...attempts.map(a => {
    const item = el("li", {"data-attempt": a.attempt_id, class: a.late ? "late" : null},
      el("button", {type: "button", class: "link"}, when(a.graded_at)), " — ",
      el("strong", {}, `${points(a.score)}/${points(a.max_score)}`), ` · ${a.trigger}`,
      a.late ? " · after the deadline (not counted)" : "");
    item.querySelector("button").addEventListener("click", () => onPick(a));
    return item;
  }));
}
