// The session page's timer (S4): while a session is on, it walks through the agenda's blocks
// from the time the mentor pressed Start, marks the current block and says how long is left
// in it. The page works without it (the blocks, their minutes and prompts are all there).
(function () {
  const timer = document.getElementById("session-timer");
  if (!timer) return;
  const started = Date.parse(timer.dataset.startedAt);
  const blocks = Array.from(document.querySelectorAll(".session-block[data-minutes]"));
  if (Number.isNaN(started) || !blocks.length) return;
  const total = blocks.reduce((sum, b) => sum + Number(b.dataset.minutes), 0);
  const clock = (seconds) => {
    const s = Math.max(0, Math.floor(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  let last = null;
  function tick() {
    const elapsed = (Date.now() - started) / 1000;
    let end = 0;
    let current = null;
    let left = 0;
    blocks.forEach((block, index) => {
      const begin = end;
      end += Number(block.dataset.minutes) * 60;
      if (current === null && elapsed < end) {
        current = index;
        left = end - elapsed;
      }
      block.classList.toggle("is-done", elapsed >= end);
      block.dataset.begin = begin;
    });
    if (current !== last) {
      blocks.forEach((block, index) => {
        block.classList.toggle("is-current", index === current);
        if (index === current) block.setAttribute("aria-current", "step");
        else block.removeAttribute("aria-current");
      });
      last = current;
    }
    if (current === null) {
      timer.textContent = `Over time by ${clock(elapsed - total * 60)} (planned ${total} min).`;
    } else {
      const block = blocks[current];
      timer.textContent =
        `Block ${current + 1} of ${blocks.length}: ${block.dataset.title}, ` +
        `${clock(left)} left · ${clock(elapsed)} of ${total} min`;
    }
    timer.hidden = false;
  }
  tick();
  setInterval(tick, 1000);
})();
