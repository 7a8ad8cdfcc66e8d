/* dailyarchive: show the sidebar's quick search box (hidden without JavaScript, since search needs it). */
(function () {
  "use strict";
  var box = document.getElementById("searchbox");
  if (box) { box.hidden = false; }
})();
