// The schedule's block menus: an open menu that would run past the bottom of the schedule
// (the day's last blocks) opens upwards, and an opened menu is scrolled into view.
document.querySelectorAll(".schedule .block details").forEach(function (details) {
  details.addEventListener("toggle", function () {
    var menu = details.querySelector(".actions");
    if (!details.open || !menu) return;
    menu.classList.remove("menu-up");
    var area = details.closest(".schedule").getBoundingClientRect();
    var box = menu.getBoundingClientRect();
    var block = details.closest(".block").getBoundingClientRect();
    if (box.bottom > area.bottom && block.top - area.top > box.height) {
      menu.classList.add("menu-up");
    }
    menu.scrollIntoView({ block: "nearest" });
  });
});

// After an action the page opens at its result (#result-<id>, focused, so it is read out):
// the whole block is brought into view, its first line below the sticky header, the result
// with it; a block taller than the screen shows its result.
window.addEventListener("load", function () {
  var result = location.hash.indexOf("#result-") === 0 && document.getElementById(location.hash.slice(1));
  if (!result) return;
  var block = result.closest(".block");
  block.scrollIntoView({ block: "start" });
  var box = result.getBoundingClientRect();
  if (box.bottom > window.innerHeight) result.scrollIntoView({ block: "end" });
  result.focus({ preventScroll: true });
});

// Today's schedule opens at the present: the "now" line in the middle of the screen, so the
// sessions about to start are in view without scrolling (not when the page opens at a result).
window.addEventListener("load", function () {
  if (location.hash) return;
  var line = document.querySelector(".schedule .now-line");
  if (line) line.scrollIntoView({ block: "center" });
});
