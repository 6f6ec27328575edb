// cors.mjs opens a page of another origin in headless Chromium (Debian's)
// and, from that page, calls Sluice's API with fetch the way the AWS SDK for
// JavaScript does in a browser: a signed POST with X-Amz-Target and the
// SDK's headers, which the browser preflights. Driven by
// internal/server/cors_browser_e2e_test.go, which signs the request.
//
// Environment: PAGE_URL (the page, on an origin other than Sluice's),
// SLUICE_ENDPOINT, REQUEST_HEADERS (JSON object of the signed headers),
// REQUEST_BODY, CHROMIUM. It prints one JSON object and exits 0:
//
//	{"fetched":true,"status":200,"requestId":"…","errorType":null,"body":"…"}
//	{"fetched":false,"error":"TypeError: Failed to fetch"}
//
// requestId and errorType are what the page can read of x-amzn-RequestId
// and x-amzn-ErrorType (null unless the server exposes them).
import { chromium } from 'playwright-core';

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.goto(process.env.PAGE_URL);
  const result = await page.evaluate(async ({ url, headers, body }) => {
    try {
      const r = await fetch(url, { method: 'POST', headers, body, mode: 'cors' });
      return {
        fetched: true,
        status: r.status,
        requestId: r.headers.get('x-amzn-RequestId'),
        errorType: r.headers.get('x-amzn-ErrorType'),
        body: await r.text(),
      };
    } catch (e) {
      return { fetched: false, error: String(e) };
    }
  }, { url: process.env.SLUICE_ENDPOINT + '/', headers: JSON.parse(process.env.REQUEST_HEADERS), body: process.env.REQUEST_BODY });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
