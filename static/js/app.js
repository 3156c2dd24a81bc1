/*
 * Abilita — the application's only script. No framework, no inline script anywhere:
 * the Content-Security-Policy is script-src 'self' and style-src 'self'.
 *
 * The layout must load, all with "defer" (none may block the first paint):
 *   1. this file
 *   2. vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js (built by
 *      static/bundle/genera.sh: only the components the pages use)
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

/*
 * Idle-timeout warning (DESIGN.md §4). The page of a logged-in user holds
 * <dialog id="avviso-sessione" data-secondi="N" data-preavviso="120">: N is how many
 * seconds the session had left when the page was rendered. Every answer to a
 * logged-in user carries the same count in the X-Sessione-Secondi header, read
 * here after htmx requests and after the renewal. data-preavviso seconds before
 * the end the dialog opens: "Resta collegato" POSTs /sessione/rinnova (204),
 * "Esci" is the logout form. When the time is up the page goes to the login,
 * where the server says why. Tabs share the latest deadline through
 * localStorage, so working in one tab keeps the others from warning.
 */
(function () {
  "use strict";

  var CHIAVE = "abilita.sessione.scadenza";
  var dialogo, preavviso, scadenza, timer, conto, annunciato, focusPrima;

  function leggiCondivisa() {
    try {
      return parseInt(window.localStorage.getItem(CHIAVE), 10) || 0;
    } catch (e) {
      return 0;
    }
  }

  function scriviCondivisa(valore) {
    try {
      window.localStorage.setItem(CHIAVE, String(valore));
    } catch (e) {
      // Storage disabled: each tab keeps its own deadline.
    }
  }

  function elemento(id) {
    return document.getElementById(id);
  }

  // imposta takes the seconds left as the server counts them.
  function imposta(secondi) {
    scadenza = Date.now() + secondi * 1000;
    scriviCondivisa(scadenza);
    programma();
  }

  function programma() {
    window.clearTimeout(timer);
    var mancano = scadenza - Date.now();
    if (mancano <= preavviso * 1000) {
      apri();
      return;
    }
    chiudi();
    timer = window.setTimeout(controlla, mancano - preavviso * 1000);
  }

  // controlla runs when the warning is due: another tab may have moved the deadline.
  function controlla() {
    scadenza = Math.max(scadenza, leggiCondivisa());
    programma();
  }

  function durata(secondi) {
    var m = Math.floor(secondi / 60);
    var s = secondi % 60;
    var parti = [];
    if (m > 0) {
      parti.push(m === 1 ? "1 minuto" : m + " minuti");
    }
    if (s > 0 || m === 0) {
      parti.push(s === 1 ? "1 secondo" : s + " secondi");
    }
    return parti.join(" e ");
  }

  // annuncia tells screen readers the time left now and then, not every second.
  function annuncia(secondi) {
    var soglia = secondi > 60 ? Math.ceil(secondi / 60) * 60 : secondi > 30 ? 60 : secondi > 10 ? 30 : 10;
    if (soglia === annunciato) {
      return;
    }
    annunciato = soglia;
    elemento("avviso-sessione-annuncio").textContent = "La sessione scadrà tra " + durata(Math.min(secondi, soglia)) + ".";
  }

  function aggiorna() {
    var secondi = Math.max(0, Math.ceil((scadenza - Date.now()) / 1000));
    elemento("avviso-sessione-tempo").textContent = durata(secondi);
    annuncia(secondi);
    if (secondi <= 0) {
      window.clearInterval(conto);
      // A little later than the count, so that the server surely agrees the time is up.
      window.setTimeout(scaduta, 2000);
    }
  }

  function apri() {
    if (!dialogo.open) {
      focusPrima = document.activeElement;
      annunciato = 0;
      elemento("avviso-sessione-errore").textContent = "";
      dialogo.showModal();
      elemento("avviso-sessione-resta").focus();
    }
    window.clearInterval(conto);
    aggiorna();
    conto = window.setInterval(aggiorna, 1000);
  }

  function chiudi() {
    window.clearInterval(conto);
    if (dialogo.open) {
      dialogo.close();
      if (focusPrima && focusPrima.isConnected && focusPrima.focus) {
        focusPrima.focus();
      }
    }
  }

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
    } catch (e) {
      var campo = dialogo.querySelector("input[name=_csrf]");
      return campo ? campo.value : "";
    }
  }

  function alLogin() {
    window.location.assign("/accedi?dopo=" + encodeURIComponent(window.location.pathname + window.location.search));
  }

  // rinnova asks the server to count the session as used now. A session that
  // ended (401) sends the page to the login, where the server explains why.
  function rinnova(allaScadenza) {
    return window
      .fetch("/sessione/rinnova", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf() },
      })
      .then(function (risposta) {
        var secondi = parseInt(risposta.headers.get("X-Sessione-Secondi"), 10);
        if (risposta.status !== 204 || isNaN(secondi)) {
          alLogin();
          return;
        }
        imposta(secondi);
        // Near the absolute limit the renewal cannot help: say so.
        var massima = secondi <= preavviso;
        elemento("avviso-sessione-massima").classList.toggle("d-none", !massima);
        elemento("avviso-sessione-resta").classList.toggle("d-none", massima);
        if (massima && !allaScadenza) {
          elemento("avviso-sessione-massima").focus();
        }
      })
      .catch(function () {
        if (allaScadenza) {
          alLogin();
          return;
        }
        elemento("avviso-sessione-errore").textContent =
          "Non è stato possibile contattare il servizio: controlla la connessione e riprova.";
      });
  }

  function scaduta() {
    // Another tab may have kept the session alive; the server knows.
    if (leggiCondivisa() > Date.now()) {
      controlla();
      return;
    }
    rinnova(true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    dialogo = document.getElementById("avviso-sessione");
    var secondi = dialogo ? parseInt(dialogo.getAttribute("data-secondi"), 10) : 0;
    if (!dialogo || !(secondi > 0) || typeof dialogo.showModal !== "function") {
      return;
    }
    preavviso = parseInt(dialogo.getAttribute("data-preavviso"), 10) || 120;
    elemento("avviso-sessione-massima").setAttribute("tabindex", "-1");
    elemento("avviso-sessione-resta").addEventListener("click", function () {
      rinnova(false);
    });
    // Escape means the user is there: it counts as "Resta collegato".
    dialogo.addEventListener("cancel", function (evt) {
      evt.preventDefault();
      rinnova(false);
    });
    document.addEventListener("htmx:afterRequest", function (evt) {
      var xhr = evt.detail && evt.detail.xhr;
      var valore = xhr ? parseInt(xhr.getResponseHeader("X-Sessione-Secondi"), 10) : NaN;
      if (!isNaN(valore)) {
        imposta(valore);
      }
    });
    window.addEventListener("storage", function (evt) {
      if (evt.key === CHIAVE) {
        controlla();
      }
    });
    imposta(secondi);
  });
})();

/*
 * The confirmation of an operator's decision. The decision forms post with
 * htmx into <div id="conferma-decisione">; the server checks the decision
 * and answers either with the panel and its errors (swapped elsewhere) or
 * with a Bootstrap Italia modal holding the confirmation form, opened here.
 * Closed, it is removed and the focus goes back to the button pressed.
 */
(function () {
  "use strict";

  var daRipristinare = null;

  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "conferma-decisione") {
      daRipristinare = document.activeElement;
    }
  });

  document.addEventListener("htmx:afterSwap", function (evt) {
    var contenitore = evt.detail.target;
    if (!contenitore || contenitore.id !== "conferma-decisione") {
      return;
    }
    var modale = contenitore.querySelector(".modal");
    if (!modale) {
      return;
    }
    var bs = window.bootstrap;
    if (!bs || !bs.Modal) {
      // Without Bootstrap's script the confirmation is shown in the page.
      modale.classList.remove("modal", "fade");
      modale.removeAttribute("tabindex");
      var titolo = modale.querySelector(".modal-title");
      if (titolo) {
        titolo.setAttribute("tabindex", "-1");
        titolo.focus();
      }
      return;
    }
    modale.addEventListener("hidden.bs.modal", function () {
      bs.Modal.getOrCreateInstance(modale).dispose();
      contenitore.replaceChildren();
      if (daRipristinare && daRipristinare.isConnected) {
        daRipristinare.focus();
      }
    });
    bs.Modal.getOrCreateInstance(modale).show();
  });
})();
