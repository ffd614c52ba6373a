/** `liteship init`: a starting spec from a real folder of images, and the size/architecture rules. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../../../client/exit-codes';
import { main } from '../../../client/main';
import { suggest } from '../../../client/init-suggest';
import { loadSpecFile } from '../../../client/spec-file';
import { writeDigitFolder } from '../../support/image-folders';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'liteship-init-'));
  dirs.push(d);
  return d;
};

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('liteship init', () => {
  it('writes a spec that liteship run accepts: classes found, gray 28x28 digits -> cnn at 28x28, 1 channel', async () => {
    const dir = temp();
    await writeDigitFolder(path.join(dir, 'photos'), { digits: [2, 5, 9], perClass: 12 });
    const out = path.join(dir, 'digits.json');
    const run = await cli(['init', 'digits', '--data', path.join(dir, 'photos'), '-o', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('36 images in 3 classes');
    expect(run.stdout).toMatch(/digit-5\s+12/);
    expect(run.stdout).toContain("median image 28x28: smaller than mobilenet-v2's 96 px, so the small cnn at 28x28 (their own size, at most 64 a side); grayscale");
    const written = JSON.parse(readFileSync(out, 'utf8')) as { data: Record<string, unknown> };
    expect(written.data.train).toBe('./photos');
    const spec = await loadSpecFile(out);
    expect(spec.architecture).toBe('cnn');
    expect(spec.data).toMatchObject({ source: 'folder', train: path.join(dir, 'photos'), imageSize: [28, 28], channels: 1, validationSplit: 0.1 });
    expect(spec.data).not.toHaveProperty('augment');

    const again = await cli(['init', 'digits', '--data', path.join(dir, 'photos'), '-o', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists: pass --force');
  });

  it('refuses a single class or an empty class folder with the path', async () => {
    const dir = temp();
    await writeDigitFolder(path.join(dir, 'one'), { digits: [3], perClass: 2 });
    const single = await cli(['init', 'one', '--data', path.join(dir, 'one'), '-o', path.join(dir, 'one.json')]);
    expect(single.code).toBe(ExitCode.invalidInput);
    expect(single.stderr).toContain(`${path.join(dir, 'one')}: has a single class folder (digit-3)`);
    await writeDigitFolder(path.join(dir, 'two'), { digits: [3, 4], perClass: 2 });
    mkdirSync(path.join(dir, 'two', 'cats'));
    const empty = await cli(['init', 'two', '--data', path.join(dir, 'two'), '-o', path.join(dir, 'two.json')]);
    expect(empty.stderr).toContain(`${path.join(dir, 'two')}/cats: this class folder holds no .jpg, .jpeg or .png images`);
  });
});

describe('suggest', () => {
  const photos = Array.from({ length: 9 }, (_, i) => ({ width: 640 + i, height: 480 - i, channels: 3 }));

  it('photos: mobilenet-v2 alpha 0.35 at the largest multiple-of-32 size they fill, with augmentation', () => {
    expect(suggest(photos)).toMatchObject({ imageSize: [224, 224], channels: 3, architecture: { name: 'mobilenet-v2', alpha: 0.35 }, augment: { flip: 'horizontal' } });
    expect(suggest([{ width: 150, height: 100, channels: 3 }])).toMatchObject({ imageSize: [96, 96] });
    expect(suggest([{ width: 170, height: 170, channels: 3 }])).toMatchObject({ imageSize: [160, 160] });
  });

  it('images between the cnn cap and mobilenet-v2: the cnn at most 64 a side, saying why', () => {
    const s = suggest([{ width: 90, height: 80, channels: 3 }]);
    expect(s).toMatchObject({ imageSize: [64, 64], architecture: 'cnn' });
    expect(s.why).toContain('smaller than mobilenet-v2');
  });

  it('small images: the cnn at their median size; gray only when every image is gray', () => {
    expect(suggest([{ width: 32, height: 30, channels: 3 }, { width: 40, height: 36, channels: 1 }, { width: 20, height: 20, channels: 1 }])).toMatchObject({
      imageSize: [30, 32],
      channels: 3,
      architecture: 'cnn',
    });
    expect(suggest([{ width: 28, height: 28, channels: 2 }]).channels).toBe(1);
  });
});
