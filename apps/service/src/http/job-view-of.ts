/** A queue's job snapshot as the API shows it: the same fields, with a download URL for each file. */
import type { JobView } from '../api/job-view.js';
import type { JobSnapshot } from '../queue/job-queue.js';

/** The path of job `id`'s resource (`/v1/jobs/{id}`). */
export function jobPath(id: string): string {
  return `/v1/jobs/${id}`;
}

/** `snapshot` with the URL of each file. */
export function jobViewOf(snapshot: JobSnapshot): JobView {
  return {
    ...snapshot,
    files: snapshot.files.map((file) => ({
      ...file,
      url: `${jobPath(snapshot.id)}/result?format=${file.format}&index=${file.index}`,
    })),
  };
}
