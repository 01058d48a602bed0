/* The student's page: the credential comes from this page's own address (?token=… or #token=…), never
   from the server's HTML; every request sends it as a bearer token. */
"use strict";

(function () {
  const sid = document.body.dataset.student;
  const params = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = params.get("token") || fragment.get("token") || "";
  const base = `/api/students/${encodeURIComponent(sid)}`;
  const button = document.getElementById("check");
  const message = document.getElementById("message");
  const cooldownLabel = document.getElementById("cooldown");
  let maxScore = 100, passMark = 70, readyAt = 0, ticking = null, grading = false;

  async function api(path, options) {
    const response = await fetch(base + path, Object.assign({
      headers: {"Authorization": `Bearer ${token}`, "Accept": "application/json"}}, options || {}));
    let data = null;
    try { data = await response.json(); } catch (e) { data = {error: response.statusText}; }
    return {status: response.status, data};
  }

  function say(text, kind) {
    message.textContent = text || "";
    message.className = kind || "";
  }

  function startCooldown(seconds) {
    readyAt = Date.now() + seconds * 1000;
    tick();
  }

  function tick() {
    clearTimeout(ticking);
    const left = Math.ceil((readyAt - Date.now()) / 1000);
    if (left > 0 && !grading) {
      button.disabled = true;
      cooldownLabel.textContent = `Next check in ${left} s`;
      ticking = setTimeout(tick, 250);
    } else if (!grading) {
      button.disabled = false;
      cooldownLabel.textContent = "";
    }
  }

  function show(result, heading) {
    result.pass_mark = passMark;
    document.getElementById("result-heading").textContent = heading;
    renderResult(document.getElementById("result"), document.getElementById("score"),
                 document.getElementById("notes"), result);
    const terminal = document.getElementById("terminal");
    terminal.textContent = "";
    terminal.dataset.attempt = result.attempt_id;
    if (document.getElementById("terminal-view").open) loadTerminal();
  }

  async function loadTerminal() {
    const terminal = document.getElementById("terminal");
    const attempt = terminal.dataset.attempt;
    if (!attempt || terminal.textContent) return;
    const response = await fetch(`${base}/attempts/${attempt}?format=table`,
                                 {headers: {"Authorization": `Bearer ${token}`}});
    terminal.textContent = response.ok ? await response.text() : "not available";
  }

  async function history() {
    const {status, data} = await api("/attempts");
    if (status !== 200) return;
    renderTimeline(document.getElementById("timeline"), data.attempts, maxScore);
    renderHistory(document.getElementById("history"), data.attempts, pick);
  }

  async function pick(attempt) {
    const {status, data} = await api(`/attempts/${attempt.attempt_id}`);
    if (status === 200) show(data, `Attempt of ${when(data.graded_at)}`);
  }

  async function load() {
    if (!token) { say("This page needs your private link (it carries your key).", "error"); button.disabled = true; return; }
    const {status, data} = await api("");
    if (status !== 200) { say(data.error || `error ${status}`, "error"); button.disabled = true; return; }
    maxScore = data.max_score; passMark = data.pass_mark;
    if (data.latest) show(data.latest, `Your latest result (${when(data.latest.graded_at)})`);
    renderTimeline(document.getElementById("timeline"), data.attempts, maxScore);
    renderHistory(document.getElementById("history"), data.attempts, pick);
    if (data.deadline) say(`Deadline: ${when(data.deadline)}. Checks after it are kept but not counted.`);
    startCooldown(data.retry_after || 0);
  }

  async function check() {
    grading = true;
    button.disabled = true;
    cooldownLabel.textContent = "";
    say("Grading… this takes a few seconds.", "busy");
    document.body.classList.add("grading");
    let outcome;
    try {
      outcome = await api("/check", {method: "POST"});
    } catch (e) {
      outcome = {status: 0, data: {error: "the server cannot be reached"}};
    }
    grading = false;
    document.body.classList.remove("grading");
    const {status, data} = outcome;
    if (status === 200) {
      show(data, `Your latest result (${when(data.graded_at)})`);
      say(data.late ? "Graded — after the deadline: kept, not counted." : "Graded.", "done");
      startCooldown(data.retry_after || 0);
      await history();
    } else if (status === 429) {
      say(data.error, "error");
      startCooldown(data.retry_after || 1);
    } else if (status === 202) {
      say("Still being graded: your result will appear in your attempts.", "busy");
      startCooldown(5);
    } else {
      say(data.error || `error ${status}`, "error");
      startCooldown(5);
    }
  }

  button.addEventListener("click", check);
  document.getElementById("terminal-view").addEventListener("toggle", loadTerminal);
  load();
})();
