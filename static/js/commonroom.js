// Commonroom's own small enhancements. Every page works without them.
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]");
  }

  // Keyboard: / = search, n = next unread (FirstClass's space bar), j / k = next / previous post
  // (or message, in a room).
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "/") {
      var box = document.getElementById("site-search-q");
      if (box) { event.preventDefault(); box.focus(); }
    } else if (event.key === "n") {
      var next = document.querySelector("a[data-key='n']");
      if (next) { event.preventDefault(); window.location.href = next.href; }
    } else if (event.key === "j" || event.key === "k") {
      var posts = Array.prototype.slice.call(document.querySelectorAll("article.post, li.message"));
      if (!posts.length) return;
      var current = posts.findIndex(function (p) { return p.contains(document.activeElement); });
      var index = event.key === "j" ? current + 1 : Math.max(current - 1, 0);
      var post = posts[Math.min(index, posts.length - 1)];
      post.setAttribute("tabindex", "-1");
      post.focus();
      event.preventDefault();
    }
  });

  // Reply in place: the Reply link opens a form under the post instead of a new page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.reply-link");
    var template = document.getElementById("reply-form");
    if (!link || !template) return;
    event.preventDefault();
    var post = link.closest("article.post");
    var open = post.querySelector("form.inline-reply");
    if (open) { open.querySelector("textarea").focus(); return; }
    var form = template.cloneNode(true);
    form.removeAttribute("id");
    form.classList.add("inline-reply");
    form.querySelector("input[name='parent_post_id']").value = link.dataset.post;
    var area = form.querySelector("textarea");
    area.id = "reply-body-" + link.dataset.post;
    var label = form.querySelector("label");
    var author = post.querySelector("h2 a:not(.num)");
    label.setAttribute("for", area.id);
    // "Reply to #3 by Jonas Berg" (not the heading's whole text, which ends in "new").
    label.textContent = "Reply to " + post.querySelector("h2 a.num").textContent.trim() +
      (author ? " by " + author.textContent.trim() : "");
    area.value = "";
    post.appendChild(form);
    area.focus();
  });

  // Ask before removing a post.
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
