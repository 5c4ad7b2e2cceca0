/* The whistleblowing forms, made quicker with JavaScript; everything works without it.

   1. The puzzle (whistleblowing/puzzle.py): when the channel is under load the form carries
      a challenge. Find n such that SHA-256(token + ":" + n) starts with `bits` zero bits
      and put n in the hidden field; without it the form has to wait a little instead.
   2. The size check: files over the limits are pointed out before anything is sent, so
      the text stays in the form instead of meeting the server's 413 page.
   The words shown come from the page (data-* attributes), in the page's language. */
(function () {
  "use strict";

  var BATCH = 256;

  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0) {
        return bits + Math.clz32(bytes[i]) - 24;
      }
      bits += 8;
    }
    return bits;
  }

  function pause() {
    return new Promise(function (resolve) {
      setTimeout(resolve, 0);
    });
  }

  async function solve(token, bits) {
    var encoder = new TextEncoder();
    var lastPause = Date.now();
    for (var start = 0; ; start += BATCH) {
      // Digests can resolve without giving the page a turn: let it load, paint and react.
      if (Date.now() - lastPause > 25) {
        await pause();
        lastPause = Date.now();
      }
      var work = [];
      for (var n = start; n < start + BATCH; n++) {
        work.push(crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + n)));
      }
      var digests = await Promise.all(work);
      for (var i = 0; i < digests.length; i++) {
        if (zeroBits(new Uint8Array(digests[i])) >= bits) {
          return String(start + i);
        }
      }
    }
  }

  function setUpPuzzle(form) {
    var box = form.querySelector("[data-puzzle]");
    var answer = form.querySelector("[data-puzzle-solution]");
    if (!box || !answer || !window.crypto || !window.crypto.subtle || !window.TextEncoder) {
      return; // no JavaScript crypto (plain http): the form waits instead, as without JS
    }
    var bits = parseInt(box.getAttribute("data-puzzle-bits"), 10);
    var ready = false;
    var sendWhenReady = false;
    box.textContent = box.getAttribute("data-puzzle-working");
    solve(box.getAttribute("data-puzzle-token"), bits).then(function (n) {
      answer.value = n;
      ready = true;
      box.textContent = box.getAttribute("data-puzzle-done");
      if (sendWhenReady) {
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      }
    });
    form.addEventListener("submit", function (event) {
      if (!ready) {
        event.preventDefault();
        sendWhenReady = true;
      }
    });
  }

  function setUpSizeCheck(form) {
    var note = form.querySelector("[data-size-error]");
    var maxFile = parseInt(form.getAttribute("data-max-file-bytes"), 10);
    var maxFiles = parseInt(form.getAttribute("data-max-files"), 10);
    var maxBody = parseInt(form.getAttribute("data-max-body-bytes"), 10);
    if (!note || !maxFile || !maxFiles || !maxBody) {
      return;
    }
    function tooMuch() {
      var count = 0;
      var total = 0;
      var large = false;
      form.querySelectorAll('input[type="file"]').forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (file) {
          count += 1;
          total += file.size;
          large = large || file.size > maxFile;
        });
      });
      return large || count > maxFiles || total > maxBody;
    }
    form.addEventListener("change", function () {
      note.hidden = !tooMuch();
    });
    form.addEventListener("submit", function (event) {
      if (tooMuch()) {
        event.preventDefault();
        event.stopImmediatePropagation();
        note.hidden = false;
        note.focus();
      }
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    setUpSizeCheck(form);
    setUpPuzzle(form);
  });
})();
