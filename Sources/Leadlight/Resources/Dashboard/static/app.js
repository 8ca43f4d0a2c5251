// Leadlight's one script: small conveniences over pages that work without it.
// Keys: "/" focuses the page's search box; "n" opens the page's "New …" form; "g" then "o", "l", "c", "s",
// "i", "f" or "t" goes to the overview, leads, clients, showings, listings, offerings or settings.
(function () {
  "use strict";
  var places = { o: "/", l: "/leads", c: "/clients", s: "/showings", i: "/listings", f: "/offerings", t: "/settings" };
  var pending = null;
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable)) { return; }
    if (pending === "g" && places[event.key]) { pending = null; window.location.assign(places[event.key]); return; }
    pending = event.key === "g" ? "g" : null;
    if (event.key === "/") {
      var search = document.querySelector("input[type=search]");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "n") {
      var add = document.querySelector("[data-shortcut-new]");
      if (add) { event.preventDefault(); add.click(); }
    }
  });

  // Copy buttons: <button data-copy="#id"> copies the text of the element it names.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(source.value || source.textContent.trim()).then(function () {
      button.textContent = "Copied";
    });
  });
})();

// The pipeline board: drag a client card onto another column; the card's own stage form is sent, the same
// request its "Move" button makes.
(function () {
  "use strict";
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".client-card") : null;
    if (!card) { return; }
    dragged = card;
    event.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragover", function (event) {
    var column = dragged && event.target.closest ? event.target.closest(".column[data-stage]") : null;
    if (column) { event.preventDefault(); column.classList.add("drop"); }
  });
  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest ? event.target.closest(".column[data-stage]") : null;
    if (column) { column.classList.remove("drop"); }
  });
  document.addEventListener("drop", function (event) {
    var column = dragged && event.target.closest ? event.target.closest(".column[data-stage]") : null;
    if (!column) { return; }
    event.preventDefault();
    var form = dragged.querySelector("form.stage-control");
    form.querySelector("select[name=buyingStage]").value = column.getAttribute("data-stage");
    dragged = null;
    form.submit();
  });
})();

// The offering form: only the fields of the chosen type are shown (and sent); without this script every field
// is shown, labelled with the type it belongs to, and the server leaves out those of other types.
(function () {
  "use strict";
  var owners = { sku: "PRODUCT", stockQty: "PRODUCT", reorderLevel: "PRODUCT", unit: "PRODUCT",
    billingPeriod: "SUBSCRIPTION", termMonths: "CONTRACT" };
  function apply(form) {
    var type = form.querySelector("select[name=type]").value;
    Object.keys(owners).forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      if (!input) { return; }
      var shown = owners[name] === type;
      input.closest(".field").hidden = !shown;
      input.disabled = !shown;
    });
  }
  document.querySelectorAll("form[data-offering-form]").forEach(function (form) {
    apply(form);
    form.querySelector("select[name=type]").addEventListener("change", function () { apply(form); });
  });
})();

// A page waiting on work done elsewhere (a HubSpot sync under way) carries data-refresh-seconds: it is read again
// after that long, unless the user is typing in it.
(function () {
  "use strict";
  var waiting = document.querySelector("[data-refresh-seconds]");
  if (!waiting) { return; }
  var seconds = Number(waiting.getAttribute("data-refresh-seconds")) || 5;
  setTimeout(function () {
    var active = document.activeElement;
    if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA")) { return; }
    window.location.reload();
  }, seconds * 1000);
})();
