/** Paints the page's canvas (from the `html` option) and reports its size, for the screenshot test. */
export default async function drawCanvas() {
  const canvas = document.querySelector('canvas');
  if (canvas === null) throw new Error('no <canvas> in the page body');
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d context');
  context.fillStyle = 'rgb(255, 0, 0)';
  context.fillRect(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height };
}
