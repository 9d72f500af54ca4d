// The image library's focal point: click the subject on the thumbnail; the crops keep it in view once saved.
"use strict";
(function () {
  function place(picker, x, y) {
    const mark = picker.querySelector(".focal-picker__mark");
    mark.style.left = x * 100 + "%";
    mark.style.top = y * 100 + "%";
  }

  document.addEventListener("DOMContentLoaded", function () {
    const picker = document.querySelector(".focal-picker");
    const inputX = document.getElementById("id_focal_x");
    const inputY = document.getElementById("id_focal_y");
    if (!picker || !inputX || !inputY) return;
    place(picker, parseFloat(inputX.value) || 0.5, parseFloat(inputY.value) || 0.5);
    picker.addEventListener("click", function (event) {
      const box = picker.querySelector("img").getBoundingClientRect();
      const x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
      const y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
      inputX.value = x.toFixed(4);
      inputY.value = y.toFixed(4);
      place(picker, x, y);
    });
  });
})();
