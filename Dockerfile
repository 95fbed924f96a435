# Baosong API image. Built by `docker compose --profile app up --build` (see docker-compose.yml).
FROM node:20

WORKDIR /app

# Dependencies first so they are cached until package*.json change. Dev dependencies stay: the build needs
# TypeScript.
COPY package.json package-lock.json ./
RUN npm ci

COPY . .
RUN npm run build

ENV NODE_ENV=production \
    PORT=3000
EXPOSE 3000

# tsc keeps imports such as '@app/platform' as written; apps/paths.js maps them (tsconfig.json "paths") onto
# dist/, exactly as `npm start` does. The migrations/ folder is found from dist/ by walking up.
CMD ["node", "-r", "./apps/paths.js", "dist/apps/api/src/main.js"]
