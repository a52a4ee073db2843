/** Logs once and never settles, to check the harness's timeout. */
export default async function neverFinishes() {
  console.log('started and waiting forever');
  return new Promise<never>(() => {});
}
