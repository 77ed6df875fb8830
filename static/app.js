// dripteam's few lines of progressive enhancement; every page works without them.
// - [data-autosave]: a field whose form is sent as soon as it changes (My Team's export
//   switch and records layer); the form's Save button (.autosave-fallback) is then hidden.
// - select[data-reveals=ID][data-reveals-when=VALUE]: element ID is shown only while the
//   select has VALUE (the import mapping's "new field name").
document.documentElement.classList.add("js");

function reveal(select) {
  const target = document.getElementById(select.dataset.reveals);
  if (target) {
    target.hidden = select.value !== select.dataset.revealsWhen;
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
