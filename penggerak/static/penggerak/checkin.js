/* Check-in by camera (training/checkin.html): where the browser has BarcodeDetector, scan the
   member card's QR code into the form and submit it through htmx. */
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var start = document.getElementById("scan-start"), box = document.getElementById("scanner");
  var video = document.getElementById("scan-video"), form = document.getElementById("checkin-form");
  var stream = null, busy = false, last = "";
  start.hidden = false;
  function stop() { if (stream) stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; box.hidden = true; }
  document.getElementById("scan-stop").onclick = stop;
  start.onclick = function () {
    var detector = new BarcodeDetector({formats: ["qr_code"]});
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (s) {
      stream = s; video.srcObject = s; box.hidden = false; video.play();
      (function tick() {
        if (!stream) return;
        detector.detect(video).then(function (codes) {
          if (codes.length && !busy && codes[0].rawValue !== last) {
            busy = true; last = codes[0].rawValue;
            form.querySelector("[name=card]").value = last;
            htmx.trigger(form, "submit");
            setTimeout(function () { busy = false; }, 1500);
          }
        }).finally(function () { setTimeout(tick, 300); });
      })();
    }).catch(function () { stop(); });
  };
})();
