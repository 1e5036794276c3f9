/* The theme board and the diagram board: selecting notes, drag and drop (SortableJS), the keyboard menu,
   rename in place, もっと見る, KWIC and the confirmation toast. The server renders everything; edits go
   through htmx and come back as out-of-band swaps of the affected cards. */
(function () {
  "use strict";
  var root = document.getElementById("board-root");
  if (!root) return;
  var ws = root.dataset.ws, kind = root.dataset.kind;          // kind: "themes" or "diagram"
  var board = document.getElementById("board");
  var selected = new Set();   // note ids
  var anchor = null;          // last note clicked, for Shift+click ranges
  var toastTimer = null;

  function notes() { return Array.prototype.slice.call(board.querySelectorAll("li.note")); }
  function noteEl(id) { return document.getElementById("note-" + id); }
  function cardOf(li) { var c = li.closest(".card"); return c ? c.dataset.key : null; }

  // -- selection --------------------------------------------------------------------------------
  function paint() {
    notes().forEach(function (li) {
      var on = selected.has(li.dataset.note);
      li.classList.toggle("selected", on);
      li.setAttribute("aria-selected", on ? "true" : "false");
      var box = li.querySelector("input.pick");
      if (box) box.checked = on;
    });
    var n = selected.size;
    var count = document.getElementById("sel-count");
    if (count) count.textContent = n ? ("選択中: " + n + " 枚") : (kind === "themes"
      ? "付箋をクリックして選ぶ(Shift+クリックで範囲)" : "付箋をクリックして選ぶ(根拠も表示)");
    ["move-btn", "split-btn", "clear-sel", "zone-btn"].forEach(function (id) {
      var b = document.getElementById(id);
      if (b) b.disabled = !n;
    });
  }
  function toggle(li, on) {
    var id = li.dataset.note;
    if (on === undefined) on = !selected.has(id);
    if (on) selected.add(id); else selected.delete(id);
  }
  function clearSelection() { selected.clear(); anchor = null; paint(); }
  function pruneSelection() {  // notes that left the page (moved away under a filter) stay unselected
    selected.forEach(function (id) { if (!noteEl(id)) selected.delete(id); });
    paint();
  }

  board.addEventListener("click", function (e) {
    var li = e.target.closest("li.note");
    if (!li || e.target.closest("button, a, mark.no-select")) return;
    if (e.shiftKey && anchor && noteEl(anchor)) {
      var all = notes(), a = all.indexOf(noteEl(anchor)), b = all.indexOf(li);
      all.slice(Math.min(a, b), Math.max(a, b) + 1).forEach(function (x) { toggle(x, true); });
    } else {
      toggle(li, e.target.matches("input.pick") ? e.target.checked : undefined);
      anchor = li.dataset.note;
    }
    paint();
  });
  board.addEventListener("keydown", function (e) {
    var li = e.target.closest && e.target.closest("li.note");
    if (!li || e.target.matches("input[type=text]")) return;
    if (e.key === " " || e.key === "Enter") { e.preventDefault(); toggle(li); anchor = li.dataset.note; paint(); }
    else if (e.key === "m" || e.key === "M") {  // m: to the move menu
      e.preventDefault();
      if (!selected.size) { toggle(li, true); paint(); }
      var menu = document.getElementById(kind === "themes" ? "move-to" : "zone-to");
      if (menu) menu.focus();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      var all = notes(), i = all.indexOf(li) + (e.key === "ArrowDown" ? 1 : -1);
      if (all[i]) { e.preventDefault(); all[i].focus(); }
    }
  });

  // -- sending edits ------------------------------------------------------------------------------
  function send(fields) {
    var form = document.getElementById("edit-form");
    form.innerHTML = "";
    Object.keys(fields).forEach(function (k) {
      [].concat(fields[k]).forEach(function (v) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = k; input.value = v;
        form.appendChild(input);
      });
    });
    htmx.trigger(form, "submit");
  }
  function chosen(dragged) {
    // a dragged note that is part of the selection takes the whole selection with it
    if (dragged && !selected.has(dragged)) return [dragged];
    return Array.from(selected);
  }
  function moveTo(target, ids) {
    if (!ids.length || !target) return;
    if (kind === "themes") send({op: "move", notes: ids, theme: target});
    else send({op: "zone", notes: ids, zones: target});
  }

  var moveBtn = document.getElementById("move-btn");
  if (moveBtn) moveBtn.addEventListener("click", function () {
    var to = document.getElementById("move-to").value;
    if (!to) { toast("移動先のテーマを選んでください。", "error"); document.getElementById("move-to").focus(); return; }
    moveTo(to, chosen(null));
  });
  var zoneBtn = document.getElementById("zone-btn");
  if (zoneBtn) zoneBtn.addEventListener("click", function () {
    var to = document.getElementById("zone-to").value;
    if (!to) { toast("配置する領域を選んでください。", "error"); document.getElementById("zone-to").focus(); return; }
    moveTo(to, chosen(null));
  });
  var splitBtn = document.getElementById("split-btn");
  if (splitBtn) splitBtn.addEventListener("click", function () {
    var label = document.getElementById("split-label");
    send({op: "split", notes: chosen(null), label: label.value});
    label.value = "";
  });
  var clearBtn = document.getElementById("clear-sel");
  if (clearBtn) clearBtn.addEventListener("click", clearSelection);

  // -- rename in place: Enter (or leaving the field changed) renames; Escape gives the name back -------
  board.addEventListener("keydown", function (e) {
    if (e.target.matches("input.title") && e.key === "Escape") {
      e.target.value = e.target.defaultValue; e.target.blur();
    }
  });
  board.addEventListener("change", function (e) {
    if (e.target.matches("input.title") && e.target.value.trim() && e.target.value !== e.target.defaultValue) {
      htmx.trigger(e.target.form, "submit");
    }
  });

  // -- もっと見る keeps the card open across edits and searches --------------------------------------
  var opened = document.getElementById("open-cards");
  board.addEventListener("click", function (e) {
    var more = e.target.closest(".more-btn");
    if (!more || !opened) return;
    var keys = opened.value ? opened.value.split(",") : [];
    if (keys.indexOf(more.dataset.key) < 0) keys.push(more.dataset.key);
    opened.value = keys.join(",");
  });

  // -- the card menu (keyboard-reachable merge) ------------------------------------------------------
  var menu = document.getElementById("card-menu");
  board.addEventListener("click", function (e) {
    var btn = e.target.closest(".card-menu-btn");
    if (!btn || !menu) return;
    var key = btn.closest(".card").dataset.key;
    var into = document.getElementById("merge-into"), source = document.getElementById("move-to");
    into.innerHTML = "";
    Array.prototype.forEach.call(source.options, function (o) {
      if (o.value && o.value !== key) into.appendChild(new Option(o.textContent, o.value));
    });
    document.getElementById("merge-self").value = key;
    var title = btn.closest(".card").querySelector("input.title");
    document.getElementById("card-menu-title").textContent = "「" + (title ? title.value : key) + "」の操作";
    menu.showModal();
    into.focus();
  });
  document.addEventListener("click", function (e) {  // close buttons, also those swapped in later
    var b = e.target.closest(".dialog-close");
    if (b) b.closest("dialog").close();
  });
  var mergeForm = document.getElementById("merge-form");
  if (mergeForm) mergeForm.addEventListener("submit", function () { menu.close(); });

  // -- KWIC: a term on a card, or the search words ---------------------------------------------------
  function kwic(term) {
    if (!term) { toast("検索欄に語を入れてください。", "error"); return; }
    htmx.ajax("GET", "/w/" + ws + "/kwic?term=" + encodeURIComponent(term), {target: "#kwic-body", swap: "innerHTML"})
      .then(function () { document.getElementById("kwic").showModal(); });
  }
  board.addEventListener("click", function (e) {
    var t = e.target.closest("button.term");
    if (t) kwic(t.dataset.term);
  });
  var kwicBtn = document.getElementById("kwic-btn");
  if (kwicBtn) kwicBtn.addEventListener("click", function () { kwic(document.getElementById("q").value.trim()); });

  // -- toast ------------------------------------------------------------------------------------------
  function toast(text, cls) {
    var t = document.getElementById("toast");
    t.className = "toast show " + (cls || "");
    t.textContent = text;
    armToast();
  }
  function armToast() {
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      var t = document.getElementById("toast");
      if (t) t.classList.remove("show");
    }, 6000);
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest(".toast-undo")) htmx.trigger(document.querySelector("#undo-bar form"), "submit");
  });

  // -- drag and drop ------------------------------------------------------------------------------
  var sortOpts = {animation: 120, forceFallback: true, fallbackTolerance: 4, delayOnTouchOnly: true, delay: 150,
                  filter: "input.title, button, .more", preventOnFilter: false, draggable: "li.note",
                  ghostClass: "ghost", chosenClass: "chosen"};
  function wire(scope) {
    if (typeof Sortable === "undefined") return;
    scope.querySelectorAll("ul.notes:not([data-wired])").forEach(function (ul) {
      ul.dataset.wired = "1";
      Sortable.create(ul, Object.assign({}, sortOpts, {
        group: {name: "notes", pull: true, put: true},
        onEnd: function (evt) {
          if (evt.to === evt.from) return;  // order inside a card is not an edit
          var id = evt.item.dataset.note;
          moveTo(evt.to.dataset.key, chosen(id));
        }
      }));
    });
    if (kind !== "themes") return;
    scope.querySelectorAll(".merge-src:not([data-wired])").forEach(function (src) {
      src.dataset.wired = "1";
      Sortable.create(src, Object.assign({}, sortOpts, {
        group: {name: "merge", pull: "clone", put: false}, sort: false, draggable: ".merge-handle",
        filter: "", handle: ".merge-handle",
        onStart: function () { document.body.classList.add("merging"); },
        onEnd: function () { document.body.classList.remove("merging"); }
      }));
    });
    scope.querySelectorAll("ul.merge-drop:not([data-wired])").forEach(function (drop) {
      drop.dataset.wired = "1";
      Sortable.create(drop, {
        group: {name: "merge", pull: false, put: function (to, from) { return to.el.dataset.key !== from.el.dataset.key; }},
        forceFallback: true, animation: 0,
        onAdd: function (evt) {
          var source = evt.from.dataset.key, target = evt.to.dataset.key;
          evt.item.remove();
          document.body.classList.remove("merging");
          if (source && target && source !== target) send({op: "merge", themes: [target, source]});
        }
      });
    });
  }
  // -- the diagram's figure: fetched (with plotly) when the facilitator opens it, redrawn after edits ----
  var figureBox = document.getElementById("figure-box");
  function drawFigure() {
    var div = document.getElementById("diagram");
    if (!figureBox || !figureBox.open || !div) return;
    var draw = function () {
      fetch(div.dataset.src).then(function (r) { return r.json(); }).then(function (data) {
        div.style.height = data.height + "px";
        Plotly.react(div, data.figure.data, data.figure.layout,
                     {responsive: true, displaylogo: false, displayModeBar: false});
      });
    };
    if (typeof Plotly !== "undefined") { draw(); return; }
    var s = document.createElement("script");
    s.src = "/static-plotly/plotly.min.js"; s.onload = draw;
    document.head.appendChild(s);
  }
  if (figureBox) figureBox.addEventListener("toggle", drawFigure);

  function init() {
    wire(document); paint();
    document.body.dataset.boardReady = String(Math.round(performance.now()));  // read by bench/board.py
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();

  document.body.addEventListener("htmx:afterSettle", function () { wire(document); pruneSelection(); });
  document.body.addEventListener("htmx:oobAfterSwap", function (e) {
    if (e.detail && e.detail.target && e.detail.target.id === "toast") armToast();
  });
  document.body.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail.elt;
    if (e.detail.successful && elt && elt.id === "edit-form") clearSelection();
    if (e.detail.successful && elt && elt.matches && elt.matches("#edit-form, .undo-bar form")) drawFigure();
    if (e.detail.successful && elt && elt.matches && elt.matches("form.rename")) {
      var input = elt.querySelector("input.title");
      if (input) input.defaultValue = input.value;
    }
  });
  document.body.addEventListener("htmx:responseError", function (e) {
    // our Japanese error page: show its message, then redraw the board (a drag already moved the note)
    var doc = new DOMParser().parseFromString(e.detail.xhr.responseText || "", "text/html");
    var msg = doc.querySelector(".error");
    toast(msg ? msg.textContent.trim() : "うまくいきませんでした。ページを読み直してください。", "error");
    var q = document.getElementById("board-query");
    if (q && e.detail.elt && e.detail.elt.id !== "board-query") htmx.trigger(q, "submit");
  });
})();
