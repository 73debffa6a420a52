// Run on the print page just before Chromium prints it (scripts/print_pdf.py).
//
// KaTeX lifts each superscript, fraction part and accent with `position: relative; top: ...`.
// Every positioned box is a paint layer of its own, and Chromium paints all of them again for
// each of the PDF's sheets: about 30,000 layers made painting most of the printing time. Here
// each shift becomes a margin on the same box (the boxes of a stack have no height, so moving
// one by a margin moves it by exactly that much), and the boxes lose their positioning.
// A stack that holds an absolutely positioned piece (an SVG delimiter, a brace, an \rlap) keeps
// KaTeX's layout, since that piece is placed against the positioned box.
(() => {
  const ANCHORED = "svg, .inner, .halfarrow-left, .halfarrow-right, .brace-left, "
    + ".brace-center, .brace-right, .cd-label-left, .cd-label-right, .tag";
  let flattened = 0;
  // Each formula, and each of its bases, is positioned only as the frame its anchored pieces sit in.
  for (const box of document.querySelectorAll(".katex, .katex .katex-html, .katex .base")) {
    if (!box.querySelector(ANCHORED)) box.style.position = "static";
  }
  for (const stack of document.querySelectorAll(".katex .vlist")) {
    if (stack.querySelector(ANCHORED)) continue;
    const rows = [...stack.children];
    if (rows.some((row) => row.style.top && !row.style.top.endsWith("em"))) continue;
    stack.style.position = "static";
    let above = 0;  // where the previous row sat, in em
    rows.forEach((row, index) => {
      const top = row.style.top ? parseFloat(row.style.top) : 0;
      row.style.top = "";
      row.style.position = "static";
      if (top !== above) row.style.marginTop = `${top - above}em`;
      if (index === rows.length - 1 && top) row.style.marginBottom = `${-top}em`;
      above = top;
      flattened += 1;
    });
  }
  return flattened;
})()
