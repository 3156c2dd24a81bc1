/*
 * Abilita — the application's only script. No framework, no inline script anywhere:
 * the Content-Security-Policy is script-src 'self' and style-src 'self'.
 *
 * The layout must load, in this order, all with "defer":
 *   1. this file           (it sets VIDEOJS_NO_DYNAMIC_STYLE before the bundle runs)
 *   2. vendor/bootstrap-italia/js/bootstrap-italia.bundle.min.js
 *   3. vendor/htmx/htmx.min.js
 * and must NOT call bootstrap.loadFonts(): the fonts come from css/fonts.css.
 *
 * htmx is configured by a meta tag in <head>, not by script:
 *
 *   <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,
 *     "allowScriptTags":false,"selfRequestsOnly":true,"historyCacheSize":0,
 *     "refreshOnHistoryMiss":true,"responseHandling":[{"code":"204","swap":false},
 *     {"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"413","swap":true},
 *     {"code":"[45]..","swap":false,"error":true}]}'>
 *
 * (one line in the template). Why each setting:
 *   includeIndicatorStyles false  htmx would inject a <style> the CSP blocks; app.css has the rules.
 *   allowEval false               no eval: hx-on, js: values and event filters are unavailable.
 *   allowScriptTags false         <script> in swapped HTML is never run.
 *   historyCacheSize 0            pages with personal data are not copied into localStorage.
 *   refreshOnHistoryMiss true     with no history cache, Back reloads the full page instead of
 *                                 asking the server for a fragment.
 *   responseHandling              422 (validation errors) and 413 (upload too large) carry an
 *                                 HTML fragment to show; other 4xx/5xx are errors (see below).
 *
 * The layout must also hold the live region for errors, outside any swap target:
 *   <div id="htmx-errore" aria-live="polite"></div>
 */

// Bootstrap Italia's bundle contains video.js, which otherwise injects a <style>
// element when it loads; the CSP would block it and report a violation on every page.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;

(function () {
  "use strict";

  var MESSAGGIO_ERRORE = "Si è verificato un errore. Riprova tra poco.";

  function mostraErrore() {
    var regione = document.getElementById("htmx-errore");
    if (!regione) {
      return;
    }
    var avviso = document.createElement("div");
    avviso.className = "alert alert-danger my-3";
    avviso.textContent = MESSAGGIO_ERRORE;
    regione.replaceChildren(avviso);
  }

  function nascondiErrore() {
    var regione = document.getElementById("htmx-errore");
    if (regione) {
      regione.replaceChildren();
    }
  }

  // A 4xx/5xx that htmx does not swap, or a network failure, would otherwise leave
  // the user with no feedback at all.
  document.addEventListener("htmx:responseError", mostraErrore);
  document.addEventListener("htmx:sendError", mostraErrore);
  document.addEventListener("htmx:beforeRequest", nascondiErrore);

  // After a swap (e.g. a form re-rendered with validation errors), move the focus
  // to the element the server marked with data-focus, so keyboard and screen-reader
  // users land on the error summary.
  document.addEventListener("htmx:afterSettle", function (evt) {
    var bersaglio = evt.target;
    if (!bersaglio || !bersaglio.isConnected || !bersaglio.querySelector) {
      return;
    }
    var elemento = bersaglio.matches("[data-focus]") ? bersaglio : bersaglio.querySelector("[data-focus]");
    if (elemento) {
      if (!elemento.hasAttribute("tabindex")) {
        elemento.setAttribute("tabindex", "-1");
      }
      elemento.focus();
    }
  });

  // <form data-confirm="Testo della domanda"> asks before submitting; a submit
  // button may carry its own data-confirm. Listening in the capture phase on the
  // document runs before htmx's own submit listener on the form, so stopping the
  // event here stops both the htmx request and the native submission.
  document.addEventListener(
    "submit",
    function (evt) {
      var form = evt.target;
      var pulsante = evt.submitter;
      var domanda =
        (pulsante && pulsante.getAttribute("data-confirm")) || (form && form.getAttribute("data-confirm"));
      if (domanda && !window.confirm(domanda)) {
        evt.preventDefault();
        evt.stopPropagation();
      }
    },
    true
  );
})();
