// Re-sends the identity provider's answer from our own page, so that the browser includes
// the session cookie (SameSite=Lax leaves it off the IdP's cross-site POST).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});
