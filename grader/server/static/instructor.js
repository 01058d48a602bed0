/* The instructor's page: the class, polled every few seconds (no reload); who has not progressed; full
   marks per task over time; a student's history; downloads. Authenticated by the HTTP-only cookie the
   server set when this page was opened with the token (which is then taken out of the address bar). */
"use strict";

(function () {
  if (new URLSearchParams(location.search).has("token")) history.replaceState(null, "", "/instructor");
  const POLL_MS = 3000;
  const minutesInput = document.getElementById("stalled-minutes");
  const message = document.getElementById("message");
  let view = null, selected = null, timer = null;
  let lms = undefined;  // with serve --lti: the grade passbacks' states; null without

  async function api(path, options) {
    const response = await fetch(path, Object.assign({credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "grader"}}, options || {}));
    let data = null;
    try { data = await response.json(); } catch (e) { data = {error: response.statusText}; }
    return {status: response.status, data};
  }

  function say(text, kind) { message.textContent = text || ""; message.className = kind || ""; }

  async function poll() {
    clearTimeout(timer);
    const minutes = Math.max(0, Number(minutesInput.value) || 0);
    try {
      const {status, data} = await api(`/api/class?stalled_minutes=${minutes}`);
      if (status === 401) { say("Your session has ended: open /instructor with the token again.", "error"); return; }
      if (status === 200) {
        view = data;
        if (lms !== null) {
          const passbacks = await api("/lti/passbacks");
          lms = passbacks.status === 200 ? passbacks.data : (passbacks.status === 404 ? null : lms);
          document.getElementById("lms-roster").hidden = !lms;
        }
        render();
        document.getElementById("updated").textContent = `updated ${when(data.now)}`;
      } else {
        say(data.error || `error ${status}`, "error");
      }
    } catch (e) {
      document.getElementById("updated").textContent = "the server cannot be reached; retrying";
    }
    timer = setTimeout(poll, POLL_MS);
  }

  function render() {
    const students = view.students;
    const checked = students.filter(s => s.attempts > 0);
    const full = students.filter(s => s.best_score !== null && s.best_score >= view.max_score);
    const best = checked.map(s => s.best_score);
    const mean = best.length ? best.reduce((a, b) => a + b, 0) / best.length : 0;
    const queue = view.queue;
    // (replaceChildren writes a null as the text "null": the cards a class does not have are left out)
    document.getElementById("summary").replaceChildren(...[
      card("students", students.length), card("checked", checked.length), card("full marks", full.length),
      card("mean best score", checked.length ? points(Math.round(mean * 10) / 10) : "—"),
      card("grading", `${queue.running} running · ${queue.queued} queued`),
      view.every_minutes ? card("scheduled", `every ${points(view.every_minutes)} min · next ${when(view.next_round_at)}`) : null,
      view.deadline ? card("deadline", when(view.deadline)) : null,
      lms ? card("grades to the LMS", lmsLine(lms.states || {})) : null].filter(Boolean));
    renderClass();
    document.getElementById("stalled-label").textContent = points(view.stalled_minutes);
    const stalled = students.filter(s => s.stalled);
    document.getElementById("stalled").replaceChildren(...(stalled.length ? stalled.map(s =>
      el("li", {"data-student": s.student_id}, el("strong", {}, s.student_id), s.name ? ` (${s.name})` : "",
         ` — best ${s.best_score === null ? "none" : points(s.best_score)}, last progress ${ago(s.last_progress_at, view.now)}`))
      : [el("li", {class: "muted"}, checked.length ? "Everyone has progressed recently." : "Nobody has checked yet.")]));
    renderProgress();
    if (selected) detail(selected, false);
  }

  function card(label, value) {
    return el("div", {class: "card"}, el("div", {class: "value"}, value), el("div", {class: "label"}, label));
  }

  function renderClass() {
    document.getElementById("class-head").replaceChildren(
      el("th", {}, "Student"), el("th", {}, "Name"), el("th", {}, "Best"), el("th", {}, "Latest"),
      el("th", {}, "Attempts"), el("th", {}, "Last check"),
      ...view.tasks.map(t => el("th", {class: "task", title: t.title}, t.number)));
    document.getElementById("class-body").replaceChildren(...view.students.map(s => {
      const row = el("tr", {"data-student": s.student_id, class: [s.stalled ? "stalled" : "", s.queued ? "queued" : ""].join(" ").trim() || null},
        el("td", {}, el("button", {type: "button", class: "link"}, s.student_id)),
        el("td", {}, s.name || ""),
        el("td", {class: "best"}, s.best_score === null ? "—" : points(s.best_score)),
        el("td", {class: "latest"}, s.latest_score === null ? "—" : points(s.latest_score)),
        el("td", {class: "attempts"}, s.attempts + (s.late_attempts ? ` (+${s.late_attempts} late)` : "")),
        el("td", {}, s.queued ? "grading…" : ago(s.last_attempt_at, view.now)),
        ...view.tasks.map(t => {
          const state = s.latest_tasks[String(t.number)];
          return el("td", {class: `mark ${state || "none"}`, title: state || "not graded"}, state ? MARKS[state] : "·");
        }));
      row.querySelector("button").addEventListener("click", () => detail(s.student_id, true));
      return row;
    }));
  }

  /* For each task, how many students had full marks on it at each moment: a step line per task. */
  function renderProgress() {
    const width = 760, height = 240, pad = 34;
    const n = view.students.length || 1;
    const events = view.tasks.map(t => view.students.map(s => s.first_full_marks[String(t.number)])
      .filter(Boolean).map(iso => new Date(iso).getTime()).sort((a, b) => a - b));
    const all = events.flat();
    const start = new Date(view.started_at).getTime();
    const first = Math.min(start, ...all), last = Math.max(new Date(view.now).getTime(), ...all);
    const span = Math.max(last - first, 1);
    const x = t => pad + (t - first) / span * (width - 2 * pad);
    const y = c => height - pad - c / n * (height - 2 * pad);
    const lines = events.map((times, index) => {
      let d = `M${x(first).toFixed(1)},${y(0).toFixed(1)}`;
      times.forEach((t, i) => { d += ` H${x(t).toFixed(1)} V${y(i + 1).toFixed(1)}`; });
      d += ` H${x(last).toFixed(1)}`;
      const hue = Math.round(index * 360 / view.tasks.length);
      return svg("path", {d, class: "task-line", stroke: `hsl(${hue} 65% 45%)`, "data-task": view.tasks[index].number},
        svg("title", {}, `Task ${view.tasks[index].number}: ${view.tasks[index].title} — ${times.length}/${n}`));
    });
    document.getElementById("progress").replaceChildren(svg("svg", {viewBox: `0 0 ${width} ${height}`, class: "progress",
        role: "img", "aria-label": "students with full marks per task over time"},
      svg("line", {x1: pad, x2: width - pad, y1: y(0), y2: y(0), class: "axis"}),
      svg("line", {x1: pad, x2: width - pad, y1: y(n), y2: y(n), class: "max"}),
      svg("text", {x: 2, y: y(n) + 4, class: "label"}, n), svg("text", {x: 2, y: y(0) + 4, class: "label"}, "0"),
      svg("text", {x: pad, y: height - 8, class: "label"}, when(new Date(first).toISOString())),
      svg("text", {x: width - pad, y: height - 8, class: "label end"}, when(new Date(last).toISOString())),
      lines));
    document.querySelector("#task-rates tbody").replaceChildren(...view.tasks.map((t, index) => {
      const done = view.students.filter(s => s.latest_tasks[String(t.number)] === "pass").length;
      const hue = Math.round(index * 360 / view.tasks.length);
      const swatch = el("span", {class: "swatch"});
      swatch.style.background = `hsl(${hue} 65% 45%)`;
      return el("tr", {"data-task": t.number}, el("td", {}, swatch, " ", t.number), el("td", {}, t.title),
        el("td", {}, `${done}/${view.students.length}`),
        el("td", {}, view.students.length ? points(Math.round(1000 * done / view.students.length) / 10) : "0"));
    }));
  }

  async function detail(sid, scroll) {
    const changed = selected !== sid;
    selected = sid;
    const section = document.getElementById("student-detail");
    section.hidden = false;
    document.getElementById("detail-id").textContent = sid;
    const {status, data} = await api(`/api/students/${encodeURIComponent(sid)}/attempts`);
    if (status !== 200 || selected !== sid) return;
    renderTimeline(document.getElementById("detail-timeline"), data.attempts, view.max_score);
    renderHistory(document.getElementById("detail-history"), data.attempts, a => showAttempt(sid, a.attempt_id));
    const shown = document.getElementById("detail-result").dataset.attempt;
    if (data.attempts.length && (changed || shown !== String(data.attempts[0].attempt_id))) {
      await showAttempt(sid, data.attempts[0].attempt_id);
    } else if (!data.attempts.length) {
      document.getElementById("detail-result").replaceChildren(el("p", {class: "muted"}, "No attempts yet."));
      document.getElementById("detail-score").textContent = "";
    }
    if (scroll) section.scrollIntoView({behavior: "smooth"});
  }

  async function showAttempt(sid, attemptId) {
    const {status, data} = await api(`/api/students/${encodeURIComponent(sid)}/attempts/${attemptId}`);
    if (status !== 200) return;
    data.pass_mark = view.pass_mark;
    const container = document.getElementById("detail-result");
    renderResult(container, document.getElementById("detail-score"), document.getElementById("detail-notes"), data);
    container.dataset.attempt = String(attemptId);
  }

  function lmsLine(states) {
    const waiting = (states.queued || 0) + (states.running || 0);
    return `${states.done || 0} sent · ${waiting} waiting · ${states.failed || 0} failed`;
  }

  function downloads() {
    const which = document.getElementById("which").value;
    for (const link of document.querySelectorAll("#downloads a")) {
      link.href = `/api/class/report?format=${link.dataset.format}&attempt=${which}`;
    }
  }

  document.getElementById("grade-all").addEventListener("click", async () => {
    const {status, data} = await api("/api/class/check", {method: "POST"});
    say(status === 202 ? `${data.queued} student(s) queued for grading.` : (data.error || `error ${status}`),
        status === 202 ? "done" : "error");
    poll();
  });
  document.getElementById("log-out").addEventListener("click", async () => {
    const {status, data} = await api("/instructor/logout", {method: "POST"});
    if (status === 200) { clearTimeout(timer); location.assign("/instructor"); return; }
    say(data.error || `error ${status}`, "error");
  });
  document.getElementById("lms-roster").addEventListener("click", async () => {
    const {status, data} = await api("/lti/roster", {method: "POST"});
    say(status === 200 ? `The LMS lists ${data.members}: ${data.added.length} added, ${data.linked.length} linked, ` +
        `${data.skipped.length} skipped.` : (data.error || `error ${status}`), status === 200 ? "done" : "error");
    poll();
  });
  minutesInput.addEventListener("change", poll);
  document.getElementById("which").addEventListener("change", downloads);
  downloads();
  poll();
})();
