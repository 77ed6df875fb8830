// dripteam's few lines of progressive enhancement; every page works without them.
// - [data-autosave]: a field whose form is sent as soon as it changes (My Team's export
//   switch and records layer); the form's Save button (.autosave-fallback) is then hidden.
// - select[data-reveals=ID][data-reveals-when=VALUE]: element ID is shown only while the
//   select has VALUE (the import mapping's "new field name", Team statistics' dates: a
//   fieldset is also disabled while hidden, so the URL carries only the chosen period).
document.documentElement.classList.add("js");

function reveal(select) {
  const target = document.getElementById(select.dataset.reveals);
  if (target) {
    const off = select.value !== select.dataset.revealsWhen;
    target.hidden = off;
    // A hidden fieldset is disabled too, so its fields are not sent.
    if (target.tagName === "FIELDSET") {
      target.disabled = off;
    }
  }
}

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches("[data-autosave]") && field.form) {
    field.form.requestSubmit();
  }
  if (field.matches("select[data-reveals]")) {
    reveal(field);
  }
});

document.querySelectorAll("select[data-reveals]").forEach(reveal);
