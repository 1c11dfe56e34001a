// The days above a time list (issue 26, a keyboard user always sees the focused element):
// on a phone they are one row that scrolls sideways, and a day link focused with Tab while
// partly out of the row stays cut off (Chromium scrolls a focused element only when none of
// it shows). Bring it whole into view, its focus ring too (its CSS scroll margin).
document.addEventListener("focusin", function (event) {
  var link = event.target.closest ? event.target.closest(".day-picker a") : null;
  if (link) {
    link.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
});
