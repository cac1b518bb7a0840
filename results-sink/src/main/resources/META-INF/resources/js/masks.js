// Run-length masks as the SegmentationMask contract defines them: row-major runs that alternate
// background / foreground, starting with background (possibly a 0-length run).

/** Decodes runs into a Uint8Array of width*height with 1 for foreground; throws if the runs do not cover it. */
export function decodeRuns(runs, width, height) {
  const pixels = new Uint8Array(width * height);
  let position = 0;
  runs.forEach((run, i) => {
    if (i % 2 === 1) {
      pixels.fill(1, position, position + run);
    }
    position += run;
  });
  if (position !== width * height) {
    throw new Error(`runs cover ${position} pixels, mask has ${width * height}`);
  }
  return pixels;
}

/** A distinct colour per class (golden-angle hues), as [r, g, b]. */
export function classRgb(classIndex) {
  const hue = (classIndex * 137.508) % 360;
  return hslToRgb(hue / 360, 0.85, 0.55);
}

export function classCss(classIndex, lightness = 55) {
  const hue = (classIndex * 137.508) % 360;
  return `hsl(${hue.toFixed(1)}, 85%, ${lightness}%)`;
}

/**
 * Draws the masks over whatever the canvas already shows, scaled to the canvas: each class filled
 * translucent with an opaque outline. Returns the number of foreground mask pixels drawn.
 */
export function drawMasks(canvas, maskSet, alpha = 0.5) {
  if (!maskSet || maskSet.masks.length === 0) {
    return 0;
  }
  const { width, height } = maskSet;
  const layer = document.createElement('canvas');
  layer.width = width;
  layer.height = height;
  const context = layer.getContext('2d');
  const image = context.createImageData(width, height);
  let foreground = 0;
  for (const mask of maskSet.masks) {
    const pixels = decodeRuns(mask.runs, width, height);
    const [r, g, b] = classRgb(mask.classIndex);
    for (let i = 0; i < pixels.length; i++) {
      if (pixels[i]) {
        // the mask's edge is drawn opaque so the outline reads over any stain colour
        const x = i % width;
        const edge = x === 0 || x === width - 1 || i < width || i >= pixels.length - width
          || !pixels[i - 1] || !pixels[i + 1] || !pixels[i - width] || !pixels[i + width];
        image.data[i * 4] = r;
        image.data[i * 4 + 1] = g;
        image.data[i * 4 + 2] = b;
        image.data[i * 4 + 3] = edge ? 255 : Math.round(alpha * 255);
        foreground++;
      }
    }
  }
  context.putImageData(image, 0, 0);
  const target = canvas.getContext('2d');
  target.imageSmoothingEnabled = false;
  target.drawImage(layer, 0, 0, canvas.width, canvas.height);
  return foreground;
}

function hslToRgb(h, s, l) {
  const f = (n) => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}
