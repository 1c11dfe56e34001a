/*
 * The device check (接続テスト). Runs in the browser alone: the camera picture and the
 * microphone's sound never leave it; only the coarse outcome of each part is written into
 * the page's result form, which the person sends (a normal POST) on a booking's page.
 * The connection is measured against this site's /device-check/ endpoints.
 */
(function () {
  "use strict";

  var root = document.getElementById("device-check");
  var dataNode = document.getElementById("device-check-data");
  if (!root || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var msg = data.messages;
  var needs = data.needs;
  var results = {
    browser: "not_tested", camera: "not_tested", microphone: "not_tested",
    speaker: "not_tested", connection: "not_tested", battery: "not_tested"
  };
  var figures = { round_trip_ms: "", download_kbps: "", upload_kbps: "" };
  var streams = [];

  function $(id) { return document.getElementById(id); }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function say(id, text, kind) {
    var node = $(id);
    node.textContent = "";
    [].concat(text).forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      node.appendChild(p);
    });
    node.className = "check-result" + (kind ? " check-result--" + kind : "");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* --- the browser and the platform ---------------------------------------------- */

  var ua = navigator.userAgent;
  var isIOS = /iPhone|iPad|iPod/.test(ua) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var isAndroid = /Android/.test(ua);
  var isPhone = isIOS || isAndroid ||
    (navigator.userAgentData ? navigator.userAgentData.mobile : /Mobi/.test(ua));
  var browser = "other";
  if (/Edg(e|A|iOS)?\//.test(ua)) browser = "edge";
  else if (/Firefox\/|FxiOS\//.test(ua)) browser = "firefox";
  else if (/Chrome\/|CriOS\/|Chromium\//.test(ua)) browser = "chrome";
  else if (/Safari\//.test(ua)) browser = "safari";

  function browserNames(ids) {
    return ids.map(function (id) { return data.browsers[id]; }).join(" / ");
  }

  function checkBrowser() {
    var values = { platform: data.platform, app: needs.app_name };
    if (isPhone && needs.phone_browsers.length === 0) {
      // Joining with the platform's app on a phone is the usual way, not a problem.
      results.browser = "app";
      say("browser-result", format(msg.browser_phone_app, values), "info");
      if (needs.app_url) {
        var link = document.createElement("a");
        link.href = needs.app_url;
        link.rel = "noreferrer";
        link.textContent = format(msg.browser_app_install, values);
        var line = document.createElement("p");
        line.appendChild(link);
        $("browser-result").appendChild(line);
      }
    } else if (isPhone && needs.phone_browsers.indexOf(browser) >= 0) {
      results.browser = "passed";
      say("browser-result", format(msg.browser_phone_ok, values), "ok");
    } else if (!isPhone && needs.computer_browsers.indexOf(browser) >= 0) {
      results.browser = "passed";
      say("browser-result", format(msg.browser_ok, values), "ok");
    } else {
      results.browser = "unsupported";
      values.browsers = browserNames(isPhone ? needs.phone_browsers : needs.computer_browsers);
      say("browser-result", format(msg.browser_unsupported, values), "problem");
    }
  }

  /* --- camera and microphone ----------------------------------------------------- */

  function permissionHelp() {
    var key = "perm_other";
    if (isIOS) key = "perm_safari_ios";
    else if (isAndroid) key = "perm_android";
    else if (browser === "edge") key = "perm_edge";
    else if (browser === "chrome") key = "perm_chrome";
    else if (browser === "firefox") key = "perm_firefox";
    else if (browser === "safari") key = "perm_safari_mac";
    return [msg[key], msg.perm_then];
  }

  function problemOf(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "denied";
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "missing";
    if (name === "NotReadableError" || name === "AbortError" || name === "TrackStartError") return "in_use";
    return "unavailable";
  }

  function explain(id, problem) {
    var lines = [msg[problem]];
    if (problem === "denied") lines = lines.concat(permissionHelp());
    say(id, lines, "problem");
  }

  function getMedia(constraints) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject({ name: "NotSupportedError" });
    }
    return navigator.mediaDevices.getUserMedia(constraints).then(function (stream) {
      streams.push(stream);
      return stream;
    });
  }

  /*
   * The preview is drawn on a <canvas> (role="img", labelled in the template) from a
   * <video> that is never put in the document: a <video> in the page is, to assistive
   * technology and to checkers, a film that may need captions, while this is only the
   * person's own picture, without sound. The drawing stops with the camera: when the
   * person sends the result, when the page hides, or when the camera goes away.
   *
   * WebKit (every browser on an iPhone) may refuse a video nobody can see: play() rejected,
   * no frame, or a pause it decides (docs/reliability.md, "The camera preview on iPhones").
   * Then the <video> itself takes the canvas's place, so the person still sees themselves.
   * Only the picture changes: the camera's result is set by getUserMedia alone.
   */
  var FIRST_FRAME_MS = 1500;
  var preview = null;

  function stopPreview() {
    if (!preview) return;
    var video = preview.video;
    window.cancelAnimationFrame(preview.frame);
    window.clearTimeout(preview.timer);
    preview.stream.getTracks().forEach(function (track) { track.stop(); });
    preview = null;  // so the pause below, ours, is not taken for a refusal
    video.pause();
    video.srcObject = null;
    if (video.parentNode) {
      video.parentNode.removeChild(video);
      $("camera-preview").hidden = false;
    }
  }

  function showPreview(stream) {
    stopPreview();
    var canvas = $("camera-preview");
    var drawing = canvas.getContext("2d");
    var video = document.createElement("video");
    video.muted = true;
    video.setAttribute("muted", "");
    video.setAttribute("playsinline", "");  // iOS: play here, not full screen
    video.srcObject = stream;
    var current = { stream: stream, video: video, frame: 0, timer: 0 };
    preview = current;
    function draw() {
      if (preview !== current) return;
      if (video.videoWidth && video.readyState >= 2) {
        if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
        }
        drawing.drawImage(video, 0, 0, canvas.width, canvas.height);
      }
      current.frame = window.requestAnimationFrame(draw);
    }
    function showVideoInstead() {
      if (preview !== current || video.parentNode) return;
      window.cancelAnimationFrame(current.frame);
      window.clearTimeout(current.timer);
      video.className = canvas.className;
      video.setAttribute("autoplay", "");
      video.setAttribute("aria-label", canvas.getAttribute("aria-label"));
      canvas.parentNode.insertBefore(video, canvas);
      canvas.hidden = true;
      var play = video.play();
      if (play && play.catch) play.catch(function () {});
    }
    stream.getVideoTracks().forEach(function (track) {
      track.addEventListener("ended", function () { if (preview === current) stopPreview(); });
    });
    // Browsers may pause media while the page is hidden; a pause while it is shown is a refusal.
    video.addEventListener("pause", function () { if (!document.hidden) showVideoInstead(); });
    current.timer = window.setTimeout(function () {
      var live = stream.getVideoTracks().some(function (track) { return track.readyState === "live"; });
      if (live && !(video.readyState >= 2 && video.videoWidth)) showVideoInstead();
    }, FIRST_FRAME_MS);
    canvas.hidden = false;
    var play = video.play();
    if (play && play.catch) play.catch(showVideoInstead);
    current.frame = window.requestAnimationFrame(draw);
  }

  function checkCamera() {
    say("camera-result", msg.asking);
    getMedia({ video: true, audio: false }).then(function (stream) {
      showPreview(stream);
      results.camera = "passed";
      say("camera-result", msg.camera_ok, "ok");
      summarize();
    }, function (error) {
      results.camera = problemOf(error);
      explain("camera-result", results.camera);
      summarize();
    });
  }

  var audioContext = null;

  function context() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audioContext) audioContext = new Context();
    if (audioContext.state === "suspended") audioContext.resume();
    return audioContext;
  }

  function checkMicrophone() {
    say("mic-result", msg.asking);
    getMedia({ audio: true, video: false }).then(function (stream) {
      var ctx = context();
      if (!ctx) {
        results.microphone = "unavailable";
        explain("mic-result", "unavailable");
        summarize();
        return;
      }
      var analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      ctx.createMediaStreamSource(stream).connect(analyser);
      var samples = new Float32Array(analyser.fftSize);
      var meter = $("mic-level");
      $("mic-meter-line").hidden = false;
      say("mic-result", msg.mic_listening);
      var heard = false;
      var started = Date.now();
      var frames = 0;
      (function tick() {
        analyser.getFloatTimeDomainData(samples);
        var sum = 0;
        for (var i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
        var level = Math.min(100, Math.round(Math.sqrt(sum / samples.length) * 300));
        meter.value = level;
        meter.textContent = String(level);
        frames++;
        if (level >= 5 && !heard && frames > 3) {
          heard = true;
          results.microphone = "passed";
          say("mic-result", msg.mic_ok, "ok");
          summarize();
        }
        if (!heard && Date.now() - started > 10000 && results.microphone !== "silent") {
          results.microphone = "silent";
          say("mic-result", msg.mic_silent, "problem");
          summarize();
        }
        window.requestAnimationFrame(tick);
      })();
    }, function (error) {
      results.microphone = problemOf(error);
      explain("mic-result", results.microphone);
      summarize();
    });
  }

  /* --- speaker ------------------------------------------------------------------- */

  function playTone() {
    var ctx = context();
    if (!ctx) {
      results.speaker = "not_heard";
      say("speaker-result", msg.speaker_unavailable, "problem");
      summarize();
      return;
    }
    var now = ctx.currentTime;
    [0, 0.45].forEach(function (offset, index) {
      var oscillator = ctx.createOscillator();
      var gain = ctx.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = index ? 660 : 523.25;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, now + offset + 0.05);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.4);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(now + offset);
      oscillator.stop(now + offset + 0.42);
    });
    $("speaker-question").textContent = msg.speaker_question;
    $("speaker-answer").hidden = false;
  }

  function answerSpeaker(heard) {
    results.speaker = heard ? "passed" : "not_heard";
    say("speaker-result", heard ? msg.speaker_ok : msg.speaker_not_heard, heard ? "ok" : "problem");
    summarize();
  }

  /* --- connection ---------------------------------------------------------------- */

  // A line so slow that one sample takes 20 seconds counts as failed, not as a hang.
  function timed(request) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, 20000) : null;
    var started = performance.now();
    return request(controller ? controller.signal : undefined).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.arrayBuffer().then(function () {
        window.clearTimeout(timer);
        return performance.now() - started;
      });
    });
  }

  function ping(n) {
    return timed(function (signal) {
      return fetch("/device-check/ping?n=" + n + "&t=" + Date.now(), { cache: "no-store", signal: signal });
    });
  }

  function download(bytes) {
    return timed(function (signal) {
      return fetch("/device-check/download?bytes=" + bytes + "&t=" + Date.now(), { cache: "no-store", signal: signal });
    }).then(function (ms) { return { bytes: bytes, ms: ms }; });
  }

  function upload(bytes) {
    var body = new Uint8Array(bytes);
    if (window.crypto && crypto.getRandomValues) {
      for (var i = 0; i < bytes; i += 65536) crypto.getRandomValues(body.subarray(i, Math.min(bytes, i + 65536)));
    }
    return timed(function (signal) {
      return fetch("/device-check/upload", {
        method: "POST", body: body, cache: "no-store", credentials: "same-origin", signal: signal,
        headers: { "Content-Type": "application/octet-stream", "X-CSRFToken": csrfToken() }
      });
    }).then(function (ms) { return { bytes: bytes, ms: ms }; });
  }

  function kbps(sample, rtt) {
    var seconds = Math.max(sample.ms - rtt, 1) / 1000;
    return Math.round((sample.bytes * 8) / seconds / 1000);
  }

  function mbps(value) {
    return format(msg.mbps, { value: (value / 1000).toFixed(value < 10000 ? 1 : 0) });
  }

  function sequence(count, step) {
    var times = [];
    var chain = Promise.resolve();
    for (var i = 0; i < count; i++) {
      (function (n) {
        chain = chain.then(function () { return step(n); }).then(function (t) { times.push(t); });
      })(i);
    }
    return chain.then(function () { return times; });
  }

  function checkConnection() {
    var button = $("connection-start");
    button.disabled = true;
    say("connection-result", msg.connection_running);
    $("connection-figures").hidden = false;
    var rtt, jitter, down, up;
    sequence(8, ping).then(function (times) {
      times = times.slice(1).sort(function (a, b) { return a - b; });  // the first warms up
      rtt = times[Math.floor(times.length / 2)];
      var mean = times.reduce(function (a, b) { return a + b; }, 0) / times.length;
      jitter = Math.sqrt(times.reduce(function (a, t) { return a + (t - mean) * (t - mean); }, 0) / times.length);
      $("figure-rtt").textContent = format(msg.ms, { value: Math.round(rtt) });
      return download(200000);
    }).then(function (first) {
      // A fast line finishes the first sample too quickly to time: measure a larger one.
      return first.ms < 400 ? download(2000000) : first;
    }).then(function (sample) {
      down = kbps(sample, rtt);
      $("figure-down").textContent = mbps(down);
      return upload(250000);
    }).then(function (first) {
      return first.ms < 400 ? upload(1500000) : first;
    }).then(function (sample) {
      up = kbps(sample, rtt);
      $("figure-up").textContent = mbps(up);
      figures = { round_trip_ms: Math.round(rtt), download_kbps: down, upload_kbps: up };
      if (down < needs.min_kbps || up < needs.min_kbps) {
        results.connection = "slow";
        say("connection-result", msg.connection_slow, "problem");
      } else if (rtt > needs.max_round_trip_ms || jitter > needs.max_jitter_ms) {
        results.connection = "unstable";
        say("connection-result", msg.connection_unstable, "problem");
      } else {
        results.connection = "passed";
        say("connection-result", msg.connection_ok, "ok");
      }
    }).catch(function () {
      results.connection = "failed";
      say("connection-result", msg.connection_failed, "problem");
    }).then(function () {
      button.disabled = false;
      summarize();
    });
  }

  /* --- battery ------------------------------------------------------------------- */

  function checkBattery() {
    if (!navigator.getBattery) {
      say("battery-result", msg.battery_unknown);
      return;
    }
    navigator.getBattery().then(function (battery) {
      function show() {
        var level = Math.round(battery.level * 100);
        if (!battery.charging && level < 50) {
          results.battery = "low";
          say("battery-result", format(msg.battery_low, { level: level + "%" }), "problem");
        } else {
          results.battery = "passed";
          say("battery-result", format(battery.charging ? msg.battery_charging : msg.battery_ok, { level: level + "%" }), "ok");
        }
        summarize();
      }
      show();
      battery.addEventListener("levelchange", show);
      battery.addEventListener("chargingchange", show);
    }, function () { say("battery-result", msg.battery_unknown); });
  }

  /* --- summary ------------------------------------------------------------------- */

  function summarize() {
    var list = $("summary-list");
    list.textContent = "";
    var problems = 0;
    var untested = [];
    Object.keys(results).forEach(function (part) {
      var value = results[part];
      var state = value === "passed" || value === "app" ? "passed"
        : value === "not_tested" ? "not_tested" : "problem";
      // A low battery is advice (charge it), not a reason the session cannot work.
      if (state === "problem" && part !== "battery") problems++;
      if (state === "not_tested" && part !== "battery") untested.push(msg["part_" + part]);
      var item = document.createElement("li");
      item.className = "summary-" + state;
      item.textContent = msg["part_" + part] + msg.label_separator
        + (value === "app" ? msg.app : msg[state]);
      list.appendChild(item);
    });
    // Ready only once every part is tested; the parts left are listed in the page's
    // language (「カメラ、マイク」, "Camera, Microphone").
    var left = format(msg.summary_untested, { parts: untested.join(msg.list_separator) });
    var text = problems ? msg.summary_problems : untested.length ? "" : msg.summary_ok;
    if (untested.length) text = text ? text + " " + left : left;
    $("summary-text").textContent = text;
    $("summary-text").className = problems ? "summary-problem" : untested.length ? "" : "summary-passed";
    var form = $("result-form");
    if (form) {
      Object.keys(results).forEach(function (part) { form.elements[part].value = results[part]; });
      Object.keys(figures).forEach(function (name) { form.elements[name].value = figures[name]; });
    }
  }

  window.addEventListener("pagehide", function () {
    stopPreview();
    streams.forEach(function (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    });
  });

  var resultForm = $("result-form");
  if (resultForm) resultForm.addEventListener("submit", stopPreview);  // the check ends

  root.hidden = false;
  $("summary").hidden = false;
  $("camera-start").addEventListener("click", checkCamera);
  $("mic-start").addEventListener("click", checkMicrophone);
  $("speaker-play").addEventListener("click", playTone);
  $("speaker-yes").addEventListener("click", function () { answerSpeaker(true); });
  $("speaker-no").addEventListener("click", function () { answerSpeaker(false); });
  $("connection-start").addEventListener("click", checkConnection);
  checkBrowser();
  checkBattery();
  summarize();
})();
