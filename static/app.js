// Copy buttons: <button class="copy" data-copy="ELEMENT_ID" data-copied="LABEL">.
// Loaded from the same origin, because the Content-Security-Policy forbids inline scripts.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) { return; }
  var source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) { return; }
  var label = button.textContent;
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    button.textContent = button.dataset.copied || label;
    setTimeout(function () { button.textContent = label; }, 2000);
  });
});
