// Copy buttons: <button class="copy" data-copy="ELEMENT_ID" data-copied="LABEL">.
// Loaded from the same origin, because the Content-Security-Policy forbids inline scripts.
// Where the clipboard API is missing (plain http on another host than localhost) or
// refused, the text is selected instead and the button label asks to copy it by hand.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) { return; }
  var source = document.getElementById(button.dataset.copy);
  if (!source) { return; }
  var label = button.textContent;
  function show(text) {
    button.textContent = text;
    setTimeout(function () { button.textContent = label; }, 4000);
  }
  function selectInstead() {
    var details = source.closest("details");
    if (details) { details.open = true; }
    window.getSelection().selectAllChildren(source);
    show(document.body.dataset.copyFailed || label);
  }
  if (!navigator.clipboard) { selectInstead(); return; }
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    show(button.dataset.copied || label);
  }, selectInstead);
});
