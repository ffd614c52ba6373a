export { releaseModel } from './release-model';
export { progressQuery } from './queries';
export { planRelease } from './plan-release';
