/* dailyarchive: "Cite this version". Fills in the access date (today, the reader's own date) where the
 * citation has its placeholder, and shows a copy button per format. A file of the site: the pages'
 * Content-Security-Policy (script-src 'self') allows no inline script. */
(function () {
  "use strict";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* The placeholders of cite.ACCESSED, each with today's date in the same syntax. */
  function accessDates(now) {
    var iso = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
    return [["YYYY-MM-DD", iso], ["YYYY/MM/DD/", iso.replace(/-/g, "/") + "/"],
            ["[date accessed]", now.getDate() + " " + MONTHS[now.getMonth()] + " " + now.getFullYear()]];
  }

  function fillDates(box, dates) {
    box.querySelectorAll(".dailyarchive-cite-text, .dailyarchive-cite-code").forEach(function (element) {
      var text = element.textContent;
      dates.forEach(function (pair) { text = text.split(pair[0]).join(pair[1]); });
      if (text !== element.textContent) { element.textContent = text; }
    });
  }

  /* Copy with the Clipboard API where the page may use it, else by selecting the text. */
  function copyText(element) {
    var text = element.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = document.execCommand("copy");
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function setUp(box) {
    box.querySelectorAll("button.dailyarchive-copy").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector(".dailyarchive-copy-status");
      if (!target) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(target).then(function () {
          if (status) { status.textContent = "Copied."; }
        }, function () {
          if (status) { status.textContent = "Could not copy: select the text and copy it."; }
        });
      });
    });
  }

  function start() {
    var dates = accessDates(new Date());
    document.querySelectorAll(".dailyarchive-cite").forEach(function (box) {
      fillDates(box, dates);
      setUp(box);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
