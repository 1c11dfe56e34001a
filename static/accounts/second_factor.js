// After a passkey is added, go on to the recovery codes (the page's data-recovery-url).
document.addEventListener("otp_webauthn.register_complete", function () {
  const main = document.getElementById("content-main");
  window.location.assign(main.dataset.recoveryUrl);
});
