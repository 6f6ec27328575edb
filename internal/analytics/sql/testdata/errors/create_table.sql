CREATE OR REPLACE TABLE "CompanyName" (ticker VARCHAR(4), company VARCHAR(20));
